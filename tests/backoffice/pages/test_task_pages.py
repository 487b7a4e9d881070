"""The back office's design and its task pages: one shell on every page, task pages that fit the work.

Card application tasks (verify, approve, dispatch): the facts first, the photo beside the photo rules, each document
beside what was read and what the awarding body said, the decision beside the evidence with its errors beside the
fields; findings that hold now (no stale "Documents: Not verified" once a verifier accepted them); dispatch shows
where the card goes and records it.
"""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from portal.accounts.models import JibTeam
from portal.applications.models import ApplicationDocument, CardApplication
from portal.orders import services as order_services
from portal.orders.models import Order
from portal.orders.selectors import order_totals
from tests.applications.flows.test_card_application_processing import (
    Flow,
    jib_client,
    open_tasks,
    prepare_application,
    task_url,
    work,
)
from tests.backoffice.pages.test_backoffice_access import staff_member
from tests.backoffice.pages.test_every_page import RAW, visible
from tests.factories_orders import make_order

DocStatus = ApplicationDocument.Status
Status = CardApplication.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True


@pytest.mark.django_db
def test_the_shell_names_the_person_their_teams_and_the_sections():
    user = staff_member(JibTeam.VERIFICATION, JibTeam.TEAM_LEADER)
    request = RequestFactory().get("/backoffice/work/mine/")
    request.user = user
    html = render_to_string("backoffice/base.html", {"user": user}, request=request)
    assert "ECS back office" in html
    assert user.get_full_name() in html and "Verification and Team leader" in html
    assert "Sign out" in html
    assert ">My work<" in html and ">Team queues<" in html and ">Processes<" in html and ">Dashboards<" in html
    assert 'aria-current="page">My work' in html
    assert "mdc-" not in html and "<script>" not in html


@pytest.mark.django_db
def test_sections_a_person_cannot_use_are_not_offered():
    user = staff_member(JibTeam.VERIFICATION)
    request = RequestFactory().get("/backoffice/work/queues/verification/")
    request.user = user
    html = render_to_string("backoffice/base.html", {"user": user}, request=request)
    assert ">Dashboards<" not in html and ">Finance<" not in html
    assert 'aria-current="page">Team queues' in html


def paid_through_an_order(application, portal_user, capture, *, attention="Site Manager Sam"):
    """Ordered for delivery to the applicant's office for someone's attention, and paid by card."""
    office = portal_user.office
    office.address, office.postcode = "1 Wire Street\nManchester", "M1 1AA"
    office.save()
    with capture(execute=True):
        order = make_order(portal_user, [application])
        Order.objects.filter(pk=order.pk).update(delivery_attention=attention)
        order_services.order_mark_paid(
            order=order, method=Order.Method.CARD, amount_pence=order_totals(order=order).total_pence,
            source_reference="pi_test",
        )  # fmt: skip
    application.refresh_from_db()
    return application


def no_raw_values(html: str) -> None:
    found = [m.group() for m in RAW.finditer(visible(html))]
    assert not found, found


@pytest.mark.django_db
def test_verification_page_facts_photo_documents_and_the_decision_beside_them(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = prepare_application(primary_user, documents_status=DocStatus.MANUAL_CHECK)
    application = paid_through_an_order(application, primary_user, django_capture_on_commit_callbacks)
    assert open_tasks(application) == {Flow.verify}
    verifier = jib_client("verification")
    page, response = work(verifier, application, Flow.verify, {"decision": "hold", "text": ""})
    html = page.text
    no_raw_values(html)
    # Facts first, then the evidence; the decision in its own column beside them.
    assert html.index("Operative") < html.index('id="photo-title"') < html.index('id="documents-title"')
    assert 'class="bo-task__decision"' in html and 'id="decision"' in html
    # The photo beside the rules.
    photo_url = re.search(r'<img class="bo-photo__image" src="([^"]+)"', html).group(1)
    assert "Check the photo shows" in html and verifier.get(photo_url).status_code == 200
    # Each document beside what was read and what the body said, with its own decision there.
    doc = application.documents.first()
    assert "Read (OCR)" in html and "Awarding body said" in html
    assert f'form="decision" type="radio" name="doc_{doc.pk}"' in html
    # Errors: a summary at the top and the message beside the field; what was typed stays.
    text = response.text
    assert 'class="govuk-error-summary"' in text and text.index("govuk-error-summary") < text.index("bo-task")
    assert re.search(r'id="id_text-error"', text) and "govuk-form-group--error" in text
    assert "Error: " in text[text.index("<title>") : text.index("</title>")]
    no_raw_values(text)
    # Someone outside the card teams cannot open the photo.
    assert jib_client("finance").get(photo_url).status_code == 403


@pytest.mark.django_db
def test_findings_hold_after_the_verifier_accepts_the_documents_and_dispatch_records_the_address(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = prepare_application(primary_user, documents_status=DocStatus.MANUAL_CHECK)
    application = paid_through_an_order(application, primary_user, django_capture_on_commit_callbacks)
    verifier = jib_client("verification")
    accept = {"decision": "approve", **{f"doc_{d.pk}": "accept" for d in application.documents.all()}}
    _, response = work(verifier, application, Flow.verify, accept, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and application.status == Status.VERIFIED
    # The pre-checks said the documents were not verified; the approval page says what holds now.
    assert "Not verified" in str(application.pre_checks)
    leader = jib_client("team_leader")
    page, response = work(
        leader, application, Flow.approve, {"decision": "approve"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    no_raw_values(page.text)
    assert "Not verified" not in page.text and "verified." in page.text
    assert "as checked on" in page.text  # HS&E, as the pre-checks found it, with when
    assert 'class="bo-photo__image"' in page.text
    # Dispatch: where the card goes, from the order; recorded in the history and on the application.
    processing = jib_client("processing")
    page, response = work(
        processing, application, Flow.dispatch, {"note": "Royal Mail AB1"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302 and application.status == Status.DISPATCHED
    no_raw_values(page.text)
    assert "Send the card to" in page.text and "FAO Site Manager Sam" in page.text and "M1 1AA" in page.text
    assert 'class="bo-photo__image"' in page.text
    assert "FAO Site Manager Sam" in application.dispatched_to and "1 Wire Street" in application.dispatched_to
    last = application.events.order_by("-pk").first()
    assert "dispatched to FAO Site Manager Sam" in last.what and "M1 1AA" in last.what


@pytest.mark.django_db
def test_a_case_worker_is_offered_no_cancel_but_a_team_leader_is(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = prepare_application(primary_user, documents_status=DocStatus.MANUAL_CHECK)
    application = paid_through_an_order(application, primary_user, django_capture_on_commit_callbacks)
    case = task_url(application, Flow.verify).rsplit("/verify/", 1)[0] + "/"
    verifier, leader = jib_client("verification"), jib_client("team_leader")
    assert "Cancel this case" not in verifier.get(case).text
    assert verifier.get(case + "cancel/").status_code == 403
    assert "Cancel this case" in leader.get(case).text
    assert leader.get(case + "cancel/").status_code == 200


@pytest.mark.django_db
def test_licence_verification_and_office_set_up_pages(
    client, settings, companies_house, django_capture_on_commit_callbacks
):
    from portal.licensing.models import LicenceApplication
    from tests.licensing.flows.test_licence_flow import case_worker, submitted
    from tests.licensing.flows.test_licence_flow import work as work_licence
    from workflows.licence.flows import LicenceFlow

    settings.ECS_RUN_JOBS_INLINE = True
    submitted(client, django_capture_on_commit_callbacks)
    case_worker(client)
    _, page, response = work_licence(client, LicenceFlow.verify, {"decision": "reject", "text": ""})
    for html in (page.text, response.text):
        no_raw_values(html)
        assert 'class="bo-task__decision"' in html and "Automated findings" in html and "As checked on" in html
    assert "ECS Employer Portal" in page.text  # the systems wanted, as words
    assert 'class="govuk-error-summary"' in response.text and 'id="id_text-error"' in response.text
    with django_capture_on_commit_callbacks(execute=True):
        _, _, response = work_licence(client, LicenceFlow.verify, {"decision": "approve", "text": ""})
    assert response.status_code == 302
    assert LicenceApplication.objects.get().status == LicenceApplication.Status.SETTING_UP
    _, page, response = work_licence(client, LicenceFlow.set_up_offices, {"name": "", "kind": "office"})
    for html in (page.text, response.text):
        no_raw_values(html)
        assert "Office structure of" in html and "Structure agreed: grant the licence" in html
    assert 'id="id_name-error"' in response.text
