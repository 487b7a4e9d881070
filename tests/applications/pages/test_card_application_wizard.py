"""The employer's card application pages: start for many employees, steps 1, 3 and 4, the lists, permissions."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.status import PROCESS, STATUS

from portal.applications import services
from portal.applications.models import CardApplication
from portal.organisations import services as org_services
from portal.organisations.permissions import BUNDLES, Flag
from portal.registry.models import CardType, Occupation
from tests.conftest import sign_in
from tests.documents.services.test_photo_and_uploads import passport_photo, upload
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_applications import (
    complete_step1,
    complete_step2,
    craft,
    ready_application,
    start_application,
)
from tests.factories_registry import EmploymentFactory, HseResultFactory
from workflows.card_application.flows import CardApplicationFlow

Status = CardApplication.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# -- Start -------------------------------------------------------------------------------------------------------


def test_employees_list_has_the_start_button_and_counts_applications(client, primary_user):
    employment = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Jones")
    start_application(portal_user=primary_user, employment=employment)
    sign_in(client, primary_user.user)
    page = client.get("/portal/employees/").text
    assert "START APPLICATIONS FOR EMPLOYEES" in page and f'name="employment" value="{employment.pk}"' in page
    assert "Apps In Progress" in page
    row = page.split(f'id="employment-{employment.pk}"')[1].split("</tr>")[0]
    assert '<td class="govuk-table__cell" data-label="Apps In Progress">1</td>' in row
    client.logout()
    viewer = PortalUserFactory(organisation=primary_user.organisation, flags=BUNDLES["Full Employee Access"])
    sign_in(client, viewer.user)
    page = client.get("/portal/employees/").text
    assert "START APPLICATIONS FOR EMPLOYEES" not in page and 'name="employment"' not in page
    assert client.get(f"/portal/applications/start/?employment={employment.pk}").status_code == 403


def test_choose_application_types_and_start(client, primary_user):
    first = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Fisher")
    second = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Mac")
    busy = start_application(portal_user=primary_user).employment
    sign_in(client, primary_user.user)
    url = f"/portal/applications/start/?employment={first.pk}&employment={second.pk}&employment={busy.pk}"
    page = client.get(url).text
    assert "Choose Application Types" in page and first.operative.ni_number in page
    assert "already in progress" in page and f'name="type_{busy.pk}"' not in page
    managerial = CardType.objects.get(name="Managerial")
    data = {"employment": [first.pk, second.pk, busy.pk], f"type_{first.pk}": f"initial:{craft().pk}"}
    response = client.post("/portal/applications/start/", data)
    assert response.status_code == 200 and f"Choose the card type for {second.operative.sort_name}" in response.text
    data[f"type_{second.pk}"] = f"initial:{managerial.pk}"
    response = client.post("/portal/applications/start/", data)
    application = CardApplication.objects.get(employment=first)
    assert response.status_code == 302 and response.url == f"/portal/applications/{application.pk}/applicant/"
    assert CardApplication.objects.get(employment=second).card_type == managerial
    assert "Mac" in client.get("/portal/applications/").text  # the other one is listed


def test_start_refuses_employees_outside_the_scope(client, primary_user):
    theirs = EmploymentFactory(organisation=OrganisationFactory())
    sign_in(client, primary_user.user)
    assert client.get(f"/portal/applications/start/?employment={theirs.pk}").status_code == 404
    response = client.post("/portal/applications/start/", {"employment": [theirs.pk],
                                                            f"type_{theirs.pk}": f"initial:{craft().pk}"})  # fmt: skip
    assert response.status_code == 404 and not CardApplication.objects.exists()


# -- Step 1 ------------------------------------------------------------------------------------------------------


def test_step1_saves_details_and_photo_and_moves_on(client, primary_user):
    application = start_application(portal_user=primary_user)
    sign_in(client, primary_user.user)
    url = f"/portal/applications/{application.pk}/applicant/"
    page = client.get(url).text
    assert application.operative.ni_number in page and 'name="first_name"' not in page  # not editable
    assert "ecs-photo-guidance.pdf" in page
    response = client.post(url, {"business_phone": "0161 496 0000", "business_email": "jeff@example.com",
                                 "photo": upload(passport_photo())})  # fmt: skip
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.business_phone == "+441614960000" and application.photo and application.step == 2
    assert not application.photo.url.startswith("/portal")  # stored privately; served by the scoped view only
    photo = client.get(f"/portal/applications/{application.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert "no-store" in photo["Cache-Control"]


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda: upload(passport_photo(size=(350, 450))), "too small"),
        (lambda: SimpleUploadedFile("photo.jpg", b"%PDF-1.4\n" + b"x" * 200, content_type="image/jpeg"),
         "must be a JPEG or PNG"),
        (lambda: SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (40 * 1024 * 1024)), "MB or smaller"),
    ],
)  # fmt: skip
def test_a_refused_photo_says_why_and_keeps_the_saved_one(client, primary_user, make, reason):
    application = start_application(portal_user=primary_user)
    complete_step1(application)
    saved = application.photo.name
    sign_in(client, primary_user.user)
    data = {"business_phone": "0161 496 0000", "business_email": "a@example.com", "photo": make()}
    response = client.post(f"/portal/applications/{application.pk}/applicant/", data)
    assert response.status_code == 200
    error = response.text.split('id="id_photo-error"')[1].split("</p>")[0]
    assert reason in error
    application.refresh_from_db()
    assert application.photo.name == saved


def test_step1_needs_a_real_phone_and_a_photo(client, primary_user):
    application = start_application(portal_user=primary_user)
    sign_in(client, primary_user.user)
    response = client.post(f"/portal/applications/{application.pk}/applicant/",
                           {"business_phone": "12", "business_email": "not-an-email"})  # fmt: skip
    assert "Enter a real telephone number" in response.text and "Upload a photo of the applicant" in response.text
    assert "govuk-error-summary" in response.text


# -- Step 3 ------------------------------------------------------------------------------------------------------


def test_step3_offers_only_what_the_qualifications_allow(client, primary_user):
    application = start_application(portal_user=primary_user)
    complete_step2(application, codes=("5357-M", "2382-22"))  # maintenance, not installation
    sign_in(client, primary_user.user)
    url = f"/portal/applications/{application.pk}/occupations/"
    page = client.get(url).text
    maintenance = Occupation.objects.get(card_type=craft(), name="Maintenance Electrician")
    installation = Occupation.objects.get(card_type=craft(), name="Installation Electrician")
    assert f'value="{maintenance.pk}"' in page and f'name="main_occupation" value="{installation.pk}"' not in page
    assert "The AM2 or AM2S" in page  # what installation still needs
    assert "Core - Electrical" in page
    response = client.post(url, {"main_occupation": installation.pk})
    assert response.status_code == 200 and "govuk-error-message" in response.text
    response = client.post(url, {"main_occupation": maintenance.pk})
    assert "Choose the grade of Maintenance Electrician" in response.text
    grade = maintenance.grades.get(name="Maintenance Electrician")
    response = client.post(url, {"main_occupation": maintenance.pk, "grade": grade.pk})
    assert response.status_code == 302 and response.url.endswith("/finalise/")
    application.refresh_from_db()
    assert application.main_occupation == maintenance and application.grade == grade and application.step == 4


def test_step3_shows_the_registered_electrician_date(client, primary_user):
    application = start_application(portal_user=primary_user)
    complete_step2(application)
    application.operative.registered_electrician_since = date(2018, 9, 3)
    application.operative.save()
    sign_in(client, primary_user.user)
    page = client.get(f"/portal/applications/{application.pk}/occupations/").text
    assert "Registered for the ECS Registered Electrician Scheme on 03/09/2018" in page
    assert 'name="registered_electrician"' not in page


# -- Step 4: finalise, unfinalise, withdraw -------------------------------------------------------------------------


def test_second_finaliser_is_told_who_finalised_and_when(client, primary_user):
    application = ready_application(primary_user)
    colleague = PortalUserFactory(organisation=primary_user.organisation, all_flags=True,
                                  user__first_name="Colin", user__last_name="Colleague")  # fmt: skip
    sign_in(client, primary_user.user)
    url = f"/portal/applications/{application.pk}/finalise/"
    page = client.get(url).text
    assert "I have read and agree with the terms and conditions" in page and "RECHECK" in page
    services.card_application_finalise(application=application, actor=colleague.user, declaration=True)
    response = client.post(url, {"declaration": "on"}, follow=True)
    assert f"Colin Colleague finalised application {application.reference} on" in response.text
    assert application.events.filter(what="Finalised.").count() == 1


def test_finalise_over_http_lands_on_awaiting_ordering(client, primary_user):
    application = ready_application(primary_user)
    sign_in(client, primary_user.user)
    url = f"/portal/applications/{application.pk}/finalise/"
    response = client.post(url, {})
    assert "Tick the declaration" in response.text
    response = client.post(url, {"declaration": "on"}, follow=True)
    assert "is finalised" in response.text and "1 Finalised Applications - Awaiting Ordering" in response.text


def test_unfinalise_until_ordered(client, primary_user):
    application = ready_application(primary_user)
    services.card_application_finalise(application=application, actor=primary_user.user, declaration=True)
    sign_in(client, primary_user.user)
    client.post("/portal/applications/unfinalise/", {"application": [application.pk]})
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS and application.finalised_at is None
    services.card_application_finalise(application=application, actor=primary_user.user, declaration=True)
    services.card_application_mark_ordered(application=application, actor=primary_user.user)
    response = client.post("/portal/applications/unfinalise/", {"application": [application.pk]}, follow=True)
    assert "remove it from the order first" in response.text
    application.refresh_from_db()
    assert application.status == Status.ORDERED


def test_withdraw_cancels_the_process(client, primary_user):
    application = start_application(portal_user=primary_user)
    sign_in(client, primary_user.user)
    assert "Withdraw application" in client.get(f"/portal/applications/{application.pk}/").text
    response = client.post(f"/portal/applications/{application.pk}/withdraw/", follow=True)
    assert "is withdrawn" in response.text and "Withdraw application" not in response.text
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    process = CardApplicationFlow.process_class.objects.get(artifact_object_id=application.pk)
    assert process.status == PROCESS.CANCELED
    assert not process.task_set.filter(status=STATUS.NEW).exists()
    with pytest.raises(services.ApplicationError):
        services.card_application_withdraw(application=application, actor=primary_user.user)


# -- Lists, detail and permissions ---------------------------------------------------------------------------------


def test_attention_sections(client, primary_user):
    in_progress = start_application(portal_user=primary_user)
    finalised = ready_application(primary_user)
    services.card_application_finalise(application=finalised, actor=primary_user.user, declaration=True)
    ordered = ready_application(primary_user)
    services.card_application_finalise(application=ordered, actor=primary_user.user, declaration=True)
    services.card_application_mark_ordered(application=ordered, actor=primary_user.user)
    on_hold = start_application(portal_user=primary_user)
    CardApplication.objects.filter(pk=on_hold.pk).update(status=Status.ON_HOLD, hold_reason="A clearer certificate")
    sign_in(client, primary_user.user)
    page = client.get("/portal/applications/").text
    assert "1 Applications In Progress" in page and f"/portal/applications/{in_progress.pk}/applicant/" in page
    assert "1 Finalised Applications - Awaiting Ordering" in page
    for header in ["App. Ref.", "Applicant", "Employed By", "In Group", "H&amp;S", "Photo", "Type",
                   "Applying For Grade", "Applying For Occupation"]:  # fmt: skip
        assert header in page
    finalised_section = page.split("Finalised Applications - Awaiting Ordering")[1].split("Ordered - Awaiting")[0]
    assert finalised.reference in finalised_section and "Installation Electrician" in finalised_section
    assert "UNFINALISE" in finalised_section and f'name="application" value="{finalised.pk}"' in finalised_section
    assert "1 Ordered - Awaiting Payment" in page and ordered.reference in page
    assert "1 Needing Your Action" in page and "A clearer certificate" in page


@pytest.mark.parametrize(
    ("order_flags", "offered"),
    [((Flag.CREATE_PURCHASES,), True), ((Flag.ADD_TO_PURCHASES,), True), ((Flag.VIEW_PURCHASES,), False)],
)
def test_adding_to_a_purchase_is_offered_with_either_order_flag(client, primary_user, order_flags, offered):
    finalised = ready_application(primary_user)
    services.card_application_finalise(application=finalised, actor=primary_user.user, declaration=True)
    viewer = PortalUserFactory(
        organisation=primary_user.organisation,
        office=primary_user.office,
        flags={Flag.VIEW_APPLICATIONS, Flag.FILL_IN_APPLICATIONS, *order_flags},
    )
    sign_in(client, viewer.user)
    page = client.get("/portal/applications/").text
    assert finalised.reference in page
    assert ("APPLICATIONS TO A PURCHASE" in page) is offered


def test_detail_shows_stage_documents_and_history(client, primary_user):
    application = ready_application(primary_user)
    CardApplication.objects.filter(pk=application.pk).update(status=Status.VERIFYING)
    sign_in(client, primary_user.user)
    page = client.get(f"/portal/applications/{application.pk}/").text
    assert "Received" in page and "Dispatched" in page and 'aria-current="step">Verifying' in page
    assert "Verified with the awarding body" in page and "Application started" in page


def _data(organisation, office=None):
    user = PortalUserFactory(organisation=organisation, office=office or organisation.head_office, all_flags=True)
    return ready_application(user)


def test_other_organisation_404_no_flag_403_outside_office_404(client):
    organisation = OrganisationFactory()
    theirs = _data(OrganisationFactory())
    mine = PortalUserFactory(organisation=organisation, all_flags=True)
    sign_in(client, mine.user)
    for suffix in ["", "applicant/", "photo/", "occupations/", "finalise/"]:
        response = client.get(f"/portal/applications/{theirs.pk}/{suffix}")
        assert response.status_code == 404, suffix
    for suffix in ["applicant/", "occupations/", "finalise/", "withdraw/"]:
        assert client.post(f"/portal/applications/{theirs.pk}/{suffix}", {"declaration": "on"}).status_code == 404
    client.post("/portal/applications/unfinalise/", {"application": [theirs.pk]})
    assert theirs.reference not in client.get("/portal/applications/").text
    client.logout()
    # Can View Card Applications only: may look, may not change; no flag at all: 403.
    own = _data(organisation)
    viewer = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_APPLICATIONS, Flag.VIEW_EMPLOYEES])
    sign_in(client, viewer.user)
    assert client.get(f"/portal/applications/{own.pk}/").status_code == 200
    assert client.get(f"/portal/applications/{own.pk}/applicant/").status_code == 302
    assert client.post(f"/portal/applications/{own.pk}/finalise/", {"declaration": "on"}).status_code == 403
    assert client.post(f"/portal/applications/{own.pk}/withdraw/").status_code == 403
    assert client.get(f"/portal/applications/start/?employment={own.employment_id}").status_code == 403
    client.logout()
    nobody = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_EMPLOYEES])
    sign_in(client, nobody.user)
    for url in ["/portal/applications/", f"/portal/applications/{own.pk}/", f"/portal/applications/{own.pk}/photo/"]:
        assert client.get(url).status_code == 403, url
    client.logout()
    # A regional user does not see another region's applications.
    north = org_services.office_create(organisation=organisation, parent=organisation.head_office, name="North",
                                       kind="region")  # fmt: skip
    south = org_services.office_create(organisation=organisation, parent=organisation.head_office, name="South",
                                       kind="region")  # fmt: skip
    in_south = _data(organisation, office=south)
    manager = PortalUserFactory(organisation=organisation, office=north, all_flags=True)
    sign_in(client, manager.user)
    assert client.get(f"/portal/applications/{in_south.pk}/").status_code == 404
    assert client.get(f"/portal/applications/{in_south.pk}/applicant/").status_code == 404
    assert in_south.reference not in client.get("/portal/applications/").text
    assert client.get(f"/portal/applications/start/?employment={in_south.employment_id}").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_pages_keep_a_constant_number_of_queries(client, primary_user, django_assert_max_num_queries, count):
    for _ in range(count):
        start_application(portal_user=primary_user)
        application = ready_application(primary_user)
        services.card_application_finalise(application=application, actor=primary_user.user, declaration=True)
        HseResultFactory(operative=application.operative)
    sign_in(client, primary_user.user)
    with django_assert_max_num_queries(16):
        client.get("/portal/applications/")
    with django_assert_max_num_queries(14):
        client.get(f"/portal/applications/{application.pk}/")
    with django_assert_max_num_queries(12):
        client.get("/portal/employees/")
    ids = "&".join(f"employment={e}" for e in CardApplication.objects.values_list("employment_id", flat=True))
    with django_assert_max_num_queries(14):
        client.get(f"/portal/applications/start/?{ids}")
