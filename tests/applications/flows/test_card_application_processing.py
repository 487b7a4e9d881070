"""The JIB's part of a card application, end to end: endorsements, automated pre-checks, verification with holds,
team leader approval, the card prepared and dispatched; the employer's pages and lists."""

import io
import socket
import time
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from PIL import Image
from viewflow.workflow.status import STATUS

from portal.accounts import services as account_services
from portal.applications import selectors
from portal.applications import services as application_services
from portal.applications.models import ApplicationDocument, ApplicationEvent, CardApplication
from portal.orders.models import ApplicationType
from portal.organisations.permissions import Flag
from portal.registry import services as registry_services
from portal.registry.models import AwardingBody, Card, CardType, Grade, HseResult, Occupation, QualificationType
from tests.conftest import sign_in
from tests.factories import OfficeFactory, PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import CardFactory, EmploymentFactory, HseResultFactory, OperativeFactory
from workflows.card_application.flows import CardApplicationFlow
from workflows.incidents.models import Incident

Status = CardApplication.Status
DocStatus = ApplicationDocument.Status
Flow = CardApplicationFlow
INSTALLER_CODES = ("2357-13", "AM2", "2382-22")  # meet every requirement of Installation Electrician


def png_bytes(size=(620, 800), colour=(230, 230, 230)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True


def prepare_application(
    portal_user,
    *,
    employment=None,
    card_type="Craft or Related Disciplines",
    occupation="Installation Electrician",
    grade=None,
    codes=INSTALLER_CODES,
    hse="valid",
    documents_status=DocStatus.VERIFIED,
    qualified_supervisor=False,
    registered_electrician=False,
    application_type=ApplicationType.INITIAL,
    renews_card=None,
) -> CardApplication:
    """An application filled in through its model (the employer's steps are another part): finalised."""
    card_type = CardType.objects.get(name=card_type)
    application = start_application(
        portal_user=portal_user,
        employment=employment,
        card_type=card_type,
        application_type=application_type,
        renews_card=renews_card,
    )
    application.business_phone, application.business_email = "01612345678", "applicant@example.co.uk"
    application.photo.save("photo", ContentFile(png_bytes()), save=False)
    if hse == "valid":
        application.hse_route = CardApplication.HseRoute.VALID_RESULT
        application.hse_result = HseResultFactory(operative=application.operative)
    elif hse == "will_sit":
        application.hse_route = CardApplication.HseRoute.WILL_SIT
        application.hse_sitting = CardApplication.HseSitting.REMOTE
    occupation = Occupation.objects.get(card_type=card_type, name=occupation)
    application.main_occupation = occupation
    application.grade = Grade.objects.get(occupation=occupation, name=grade) if grade else None
    application.qualified_supervisor = qualified_supervisor
    application.registered_electrician = registered_electrician
    application.status, application.step, application.finalised_at = Status.FINALISED, 4, timezone.now()
    application.save()
    for code in codes:
        qualification = QualificationType.objects.get(code=code)
        ApplicationDocument.objects.create(
            application=application,
            kind=ApplicationDocument.Kind.CERTIFICATE,
            entry=ApplicationDocument.Entry.AUTOMATIC,
            status=documents_status,
            qualification_type=qualification,
            awarding_body=qualification.awarding_body,
            certificate_number=f"N{code}",
            body_check={"found": True, "valid": True},
            uploaded_by=portal_user.user,
            file=SimpleUploadedFile("c.png", png_bytes((900, 640), (250, 250, 250))),
            content_type="image/png",
        )
    return application


def pay(application, portal_user, capture):
    """Ordered and paid, as the orders part does; the pre-checks run when the payment commits."""
    # In one transaction, as the order's service calls them (row locks need one on PostgreSQL).
    with capture(execute=True), transaction.atomic():
        application_services.card_application_mark_ordered(application=application, actor=portal_user.user)
        assert application_services.card_application_payment_received(application=application) is True
    application.refresh_from_db()
    return application


def open_tasks(application):
    return set(
        Flow.task_class.objects.filter(
            process__artifact_object_id=application.pk,
            process__flow_class=Flow,
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        ).values_list("flow_task", flat=True)
    )


def open_task(application, node):
    return Flow.task_class.objects.get(
        process__artifact_object_id=application.pk,
        process__flow_class=Flow,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


_staff_count = [0]


def jib_client(*teams):
    _staff_count[0] += 1
    n = _staff_count[0]
    staff = account_services.jib_staff_create(
        email=f"staff{n}@jib.example",
        first_name="Case",
        last_name=f"Worker{n}",
        mobile=f"+4477001{n:05d}",
        teams=list(teams),
        password="correct horse battery",
    )
    return sign_in(Client(), staff)


def task_url(application, node, suffix=""):
    task = open_task(application, node)
    return f"/backoffice/workflow/flows/cardapplication/{task.process_id}/{node.name}/{task.pk}/{suffix}"


def work(client, application, node, data, capture=None):
    """Assign the task to oneself and complete it, as a case worker does in the back office."""
    task = open_task(application, node)
    if task.owner_id is None:
        assert client.post(task_url(application, node, "assign/")).status_code == 302
    page = client.get(task_url(application, node, "execute/"))
    assert page.status_code == 200
    if capture is None:
        response = client.post(task_url(application, node, "execute/"), data)
    else:
        with capture(execute=True):
            response = client.post(task_url(application, node, "execute/"), data)
    application.refresh_from_db()
    return page, response


def approve_and_dispatch(application, capture):
    leader = jib_client("team_leader")
    page, response = work(leader, application, Flow.approve, {"decision": "approve"}, capture)
    assert response.status_code == 302, response.text[:2000]
    assert application.status == Status.PREPARED and application.card is not None
    processing = jib_client("processing")
    _, response = work(processing, application, Flow.dispatch, {"note": "Royal Mail AB123456789GB"}, capture)
    assert response.status_code == 302
    assert application.status == Status.DISPATCHED and application.completed_at is not None
    return page


# The fully automated path


@pytest.mark.django_db
def test_fully_automated_path_to_a_dispatched_card(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    application = prepare_application(primary_user, registered_electrician=True)
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == Status.VERIFIED
    assert application.pre_checks["outcome"] == "passed"
    assert [c["ok"] for c in application.pre_checks["checks"]] == [True, True, True, True]
    assert open_tasks(application) == {Flow.approve}

    page = approve_and_dispatch(application, django_capture_on_commit_callbacks)
    assert "Verified automatically" in page.text and escape(application.operative.full_name) in page.text

    card = application.card
    assert card.operative_id == application.operative_id and card.card_type == application.card_type
    assert card.occupation == application.main_occupation
    assert card.expires_on == date.today() + relativedelta(months=36)
    assert card.number.isdigit() and len(card.number) == 8
    application.operative.refresh_from_db()
    assert application.operative.registered_electrician_since == date.today()
    moves = [e for e in application.events.all() if e.from_status and e.from_status != e.to_status]
    assert [e.to_status for e in moves] == [
        Status.ORDERED,
        Status.RECEIVED,
        Status.VERIFYING,
        Status.VERIFIED,
        Status.APPROVED,
        Status.PREPARED,
        Status.DISPATCHED,
    ]
    assert moves[-1].actor is not None and moves[-3].actor is not None
    assert not open_tasks(application)
    process = Flow.task_class.objects.get(process__artifact_object_id=application.pk, flow_task=Flow.dispatched).process
    assert process.status == STATUS.DONE

    # The card shows on the operative's record in the portal.
    client = sign_in(Client(), primary_user.user)
    detail = client.get(f"/portal/employees/{application.employment_id}/")
    assert card.number in detail.text
    completed = client.get("/portal/applications/completed/")
    assert card.number in completed.text and application.reference in completed.text


@pytest.mark.django_db
def test_card_numbers_are_unique_and_follow_on(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    numbers = []
    for _ in range(2):
        application = pay(prepare_application(primary_user), primary_user, django_capture_on_commit_callbacks)
        approve_and_dispatch(application, django_capture_on_commit_callbacks)
        numbers.append(int(application.card.number))
    assert numbers[1] == numbers[0] + 1


# Manual verification


@pytest.mark.django_db
def test_manual_verification_path(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    application = prepare_application(primary_user, documents_status=DocStatus.MANUAL_CHECK, codes=INSTALLER_CODES)
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == Status.VERIFYING
    assert application.pre_checks["outcome"] == "manual"
    assert open_tasks(application) == {Flow.verify}
    docs = list(application.documents.all())

    verifier = jib_client("verification")
    assert application.reference in verifier.get("/backoffice/workflow/queue/").text
    # Approving with documents left undecided is refused, and nothing is saved.
    page, response = work(verifier, application, Flow.verify, {"decision": "approve"})
    assert "Not verified" in page.text and "Awarding body said" in page.text
    assert "Accept or reject every document" in response.text
    assert application.status == Status.VERIFYING
    # Rejecting a document needs a note, shown next to it.
    data = {"decision": "approve", f"doc_{docs[0].pk}": "reject"}
    _, response = work(verifier, application, Flow.verify, data)
    assert "Say why the document is not accepted" in response.text

    data = {"decision": "approve", **{f"doc_{d.pk}": "accept" for d in docs}}
    _, response = work(verifier, application, Flow.verify, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert application.status == Status.VERIFIED
    assert set(application.documents.values_list("status", flat=True)) == {DocStatus.ACCEPTED}
    assert open_tasks(application) == {Flow.approve}

    # The team leader sends it back once, then approves.
    leader = jib_client("team_leader")
    _, response = work(leader, application, Flow.approve, {"decision": "back", "text": ""})
    assert "Say why the application goes back" in response.text
    work(leader, application, Flow.approve, {"decision": "back", "text": "Check the AM2 date."})
    assert application.status == Status.VERIFYING and open_tasks(application) == {Flow.verify}
    work(verifier, application, Flow.verify, {"decision": "approve"}, django_capture_on_commit_callbacks)
    approve_and_dispatch(application, django_capture_on_commit_callbacks)
    assert Card.objects.filter(operative=application.operative, number=application.card.number).exists()


@pytest.mark.django_db
def test_rejection_ends_the_process_and_shows_in_completed(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = prepare_application(primary_user, codes=("2382-22",))  # not enough for the occupation
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.pre_checks["outcome"] == "manual"
    eligibility = application.pre_checks["checks"][0]
    assert not eligibility["ok"] and "A Level 3 electrotechnical qualification" in eligibility["summary"]
    verifier = jib_client("verification")
    _, response = work(verifier, application, Flow.verify, {"decision": "reject", "text": ""})
    assert "Say what is missing, or why" in response.text
    work(
        verifier,
        application,
        Flow.verify,
        {"decision": "reject", "text": "No Level 3 qualification."},
        django_capture_on_commit_callbacks,
    )
    assert application.status == Status.REJECTED and application.completed_at
    assert not open_tasks(application)
    client = sign_in(Client(), primary_user.user)
    assert "No Level 3 qualification." in client.get("/portal/applications/completed/").text
    assert application.reference not in client.get("/portal/applications/produced/").text


# The on-hold loop


@pytest.mark.django_db
def test_on_hold_loop_employer_supplies_then_approved(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    application = prepare_application(primary_user, codes=("2357-13", "2382-22"))  # the AM2 is missing
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    verifier = jib_client("verification")
    _, response = work(verifier, application, Flow.verify, {"decision": "hold", "text": ""})
    assert "Say what is missing" in response.text
    work(
        verifier,
        application,
        Flow.verify,
        {"decision": "hold", "text": "The AM2 certificate."},
        django_capture_on_commit_callbacks,
    )
    assert application.status == Status.ON_HOLD and application.hold_reason == "The AM2 certificate."
    assert open_tasks(application) == {Flow.await_supply}

    employer = sign_in(Client(), primary_user.user)
    produced = employer.get("/portal/applications/produced/")
    assert "The AM2 certificate." in produced.text and f"/portal/applications/{application.pk}/supply/" in produced.text
    page = employer.get(f"/portal/applications/{application.pk}/supply/")
    assert page.status_code == 200 and "The AM2 certificate." in page.text
    empty = employer.post(f"/portal/applications/{application.pk}/supply/", {"answer": ""})
    assert "Write an answer or upload a document" in empty.text
    bad = employer.post(
        f"/portal/applications/{application.pk}/supply/",
        {"answer": "Here it is", "document": SimpleUploadedFile("am2.png", b"not an image")},
    )
    assert "must be a PDF, JPEG or PNG" in bad.text
    application.refresh_from_db()
    assert application.status == Status.ON_HOLD
    with django_capture_on_commit_callbacks(execute=True):
        response = employer.post(
            f"/portal/applications/{application.pk}/supply/",
            {
                "answer": "AM2 passed in 2019",
                "kind": "certificate",
                "document": SimpleUploadedFile("am2.png", png_bytes((900, 640)), "image/png"),
            },
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.VERIFYING and application.hold_reason == ""
    assert open_tasks(application) == {Flow.verify}  # back through the pre-checks, to a person
    supplied = application.documents.get(entry=ApplicationDocument.Entry.MANUAL)
    assert supplied.status == DocStatus.MANUAL_CHECK and supplied.details == "AM2 passed in 2019"
    assert any("AM2 passed in 2019" in e.what and e.actor == primary_user.user for e in application.events.all())
    # Supplying twice is refused.
    again = employer.post(f"/portal/applications/{application.pk}/supply/", {"answer": "more"})
    assert "not on hold waiting for you" in again.text

    page, _ = work(
        verifier,
        application,
        Flow.verify,
        {
            "decision": "approve",
            f"doc_{supplied.pk}": "accept",
        },
        django_capture_on_commit_callbacks,
    )
    assert "AM2 passed in 2019" in page.text and f"document/{supplied.pk}/" in page.text
    assert verifier.get(f"/backoffice/workflow/flows/cardapplication/document/{supplied.pk}/").status_code == 200
    assert application.status == Status.VERIFIED
    approve_and_dispatch(application, django_capture_on_commit_callbacks)


# Endorsements


def _graded_application(organisation, *, at_office, qualified_supervisor=True):
    """An operative at `at_office` holding a Craft card graded Electrician, applying for Approved Electrician."""
    filler = PortalUserFactory(
        organisation=organisation, office=at_office, flags=[Flag.FILL_IN_APPLICATIONS, Flag.VIEW_APPLICATIONS]
    )
    employment = EmploymentFactory(organisation=organisation, office=at_office)
    occupation = Occupation.objects.get(name="Installation Electrician")
    CardFactory(
        operative=employment.operative,
        card_type=occupation.card_type,
        grade=Grade.objects.get(occupation=occupation, name="Electrician"),
    )
    application = prepare_application(
        filler, employment=employment, grade="Approved Electrician", qualified_supervisor=qualified_supervisor
    )
    return filler, application


@pytest.mark.django_db
def test_both_endorsements_by_a_user_with_the_flags_above_the_office(
    organisation, inline_jobs, django_capture_on_commit_callbacks
):
    region = OfficeFactory(organisation=organisation, name="North Region", kind="region")
    office = OfficeFactory(organisation=organisation, parent=region, name="Leeds Office")
    filler, application = _graded_application(organisation, at_office=office)
    application = pay(application, filler, django_capture_on_commit_callbacks)
    assert application.status == Status.AWAITING_ENDORSEMENT
    assert open_tasks(application) == {Flow.endorse_grading, Flow.endorse_supervisor}

    endorser = PortalUserFactory(
        organisation=organisation,
        office=region,
        flags=[Flag.VIEW_APPLICATIONS, Flag.ENDORSE_GRADING, Flag.ENDORSE_QUALIFIED_SUPERVISOR],
    )
    client = sign_in(Client(), endorser.user)
    produced = client.get("/portal/applications/produced/")
    assert f"/portal/applications/{application.pk}/endorse/grading/" in produced.text
    assert f"/portal/applications/{application.pk}/endorse/supervisor/" in produced.text
    page = client.get(f"/portal/applications/{application.pk}/endorse/grading/")
    assert page.status_code == 200 and "Approved Electrician" in page.text and "Electrician" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/portal/applications/{application.pk}/endorse/grading/", {"decision": "endorse"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.grading_endorsed_by == endorser.user and application.status == Status.AWAITING_ENDORSEMENT
    assert open_tasks(application) == {Flow.endorse_supervisor}
    # A second endorsement of the same thing is refused.
    again = client.post(f"/portal/applications/{application.pk}/endorse/grading/", {"decision": "endorse"})
    assert "not waiting for this endorsement" in again.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/portal/applications/{application.pk}/endorse/supervisor/", {"decision": "endorse"})
    application.refresh_from_db()
    assert application.supervisor_endorsed_by == endorser.user
    # Joined: the pre-checks ran and passed.
    assert application.status == Status.VERIFIED and open_tasks(application) == {Flow.approve}
    approve_and_dispatch(application, django_capture_on_commit_callbacks)
    assert application.card.grade.name == "Approved Electrician"
    application.operative.refresh_from_db()
    assert application.operative.qualified_supervisor_since == date.today()


@pytest.mark.django_db
def test_declined_endorsements_withdraw_the_change_and_carry_on(
    organisation, inline_jobs, django_capture_on_commit_callbacks
):
    filler, application = _graded_application(organisation, at_office=organisation.head_office)
    application = pay(application, filler, django_capture_on_commit_callbacks)
    endorser = PortalUserFactory(
        organisation=organisation, flags=[Flag.ENDORSE_GRADING, Flag.ENDORSE_QUALIFIED_SUPERVISOR]
    )
    client = sign_in(Client(), endorser.user)
    response = client.post(f"/portal/applications/{application.pk}/endorse/grading/", {"decision": "decline"})
    assert "Say why you decline" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/portal/applications/{application.pk}/endorse/grading/",
            {"decision": "decline", "reason": "Not yet at this grade."},
        )
        client.post(
            f"/portal/applications/{application.pk}/endorse/supervisor/",
            {"decision": "decline", "reason": "Does not supervise."},
        )
    application.refresh_from_db()
    assert application.grade.name == "Electrician"  # the grade on the current card is kept
    assert application.qualified_supervisor is False
    assert ApplicationEvent.objects.filter(application=application, what__contains="Not yet at this grade.").exists()
    assert application.status == Status.VERIFIED
    approve_and_dispatch(application, django_capture_on_commit_callbacks)
    application.operative.refresh_from_db()
    assert application.card.grade.name == "Electrician" and application.operative.qualified_supervisor_since is None


@pytest.mark.django_db
def test_endorsement_needs_the_flag_and_the_organisation(organisation, inline_jobs, django_capture_on_commit_callbacks):
    filler, application = _graded_application(organisation, at_office=organisation.head_office)
    pay(application, filler, django_capture_on_commit_callbacks)
    grading_only = PortalUserFactory(organisation=organisation, flags=[Flag.ENDORSE_GRADING, Flag.VIEW_APPLICATIONS])
    client = sign_in(Client(), grading_only.user)
    assert client.get(f"/portal/applications/{application.pk}/endorse/supervisor/").status_code == 403
    assert (
        client.post(f"/portal/applications/{application.pk}/endorse/supervisor/", {"decision": "endorse"}).status_code
        == 403
    )
    assert client.get(f"/portal/applications/{application.pk}/endorse/nonsense/").status_code == 404
    # A user of an office below the applicant's does not see it.
    branch = OfficeFactory(organisation=organisation)
    below = PortalUserFactory(organisation=organisation, office=branch, all_flags=True)
    client = sign_in(Client(), below.user)
    assert client.get(f"/portal/applications/{application.pk}/endorse/grading/").status_code == 404
    assert application.reference not in client.get("/portal/applications/produced/").text
    # Another organisation: 404, and nothing in its lists.
    other = PortalUserFactory(all_flags=True)
    client = sign_in(Client(), other.user)
    assert client.get(f"/portal/applications/{application.pk}/endorse/grading/").status_code == 404
    assert client.post(f"/portal/applications/{application.pk}/supply/", {"answer": "x"}).status_code == 404
    assert application.reference not in client.get("/portal/applications/produced/").text
    no_view = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_EMPLOYEES])
    client = sign_in(Client(), no_view.user)
    assert client.get("/portal/applications/produced/").status_code == 403
    assert client.get("/portal/applications/completed/").status_code == 403
    application.refresh_from_db()
    assert application.status == Status.AWAITING_ENDORSEMENT


@pytest.mark.django_db
def test_a_first_grade_needs_no_endorsement(primary_user):
    application = prepare_application(primary_user, grade="Approved Electrician")
    assert not selectors.needs_grading_endorsement(application=application)
    CardFactory(operative=application.operative, card_type=application.card_type, grade=application.grade)
    assert not selectors.needs_grading_endorsement(application=application)
    CardFactory(
        operative=application.operative,
        card_type=application.card_type,
        grade=None,
        expires_on=date.today() + timedelta(days=900),
    )
    assert selectors.needs_grading_endorsement(application=application)


@pytest.mark.django_db
def test_attention_page_offers_only_the_endorsement_awaited(
    primary_user, portal_client, inline_jobs, django_capture_on_commit_callbacks
):
    # A first card of the type with a grade needs no grading endorsement; the Qualified Supervisor request does.
    application = prepare_application(primary_user, grade="Approved Electrician", qualified_supervisor=True)
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == Status.AWAITING_ENDORSEMENT
    page = portal_client.get("/portal/applications/").text
    assert f"/portal/applications/{application.pk}/endorse/supervisor/" in page
    assert f"/portal/applications/{application.pk}/endorse/grading/" not in page


# Conditional hold


@pytest.mark.django_db
def test_conditional_hold_released_by_a_new_hse_pass(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    application = prepare_application(primary_user, hse="will_sit")
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.pre_checks["outcome"] == "awaiting_hse"
    assert application.status == Status.CONDITIONAL_HOLD and open_tasks(application) == {Flow.conditional_hold}
    employer = sign_in(Client(), primary_user.user)
    assert "HS&amp;E assessment" in employer.get("/portal/applications/produced/").text

    # A fail changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.hse_result_record(
            operative=application.operative, number="HSE9000001", taken_on=date.today(), passed=False, score=38
        )
    application.refresh_from_db()
    assert application.status == Status.CONDITIONAL_HOLD
    with django_capture_on_commit_callbacks(execute=True):
        result = registry_services.hse_result_record(
            operative=application.operative, number="HSE9000002", taken_on=date.today(), passed=True, score=47
        )
    assert result.expires_on == date.today() + relativedelta(years=2)
    application.refresh_from_db()
    assert application.hse_result == result and application.hse_route == CardApplication.HseRoute.VALID_RESULT
    assert application.status == Status.VERIFIED and open_tasks(application) == {Flow.approve}
    assert any("conditional hold is released" in e.what for e in application.events.all())
    approve_and_dispatch(application, django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_a_pass_already_on_the_record_is_used_without_a_hold(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = prepare_application(primary_user, hse="will_sit")
    result = HseResultFactory(operative=application.operative, taken_on=date.today() - timedelta(days=5))
    HseResultFactory(operative=application.operative, passed=False, expires_on=None)
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == Status.VERIFIED and application.hse_result == result
    assert application.pre_checks["checks"][1]["summary"].startswith(f"Valid pass {result.number}")


@pytest.mark.django_db
def test_admin_recording_a_pass_releases_the_hold(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    from portal.accounts.models import User

    application = pay(
        prepare_application(primary_user, hse="will_sit"), primary_user, django_capture_on_commit_callbacks
    )
    admin = User.objects.create_superuser(
        "root@jib.example", "correct horse battery", first_name="Ada", last_name="Admin", mobile="+447700777777"
    )
    account_services.second_factor_for(user=admin)
    client = sign_in(Client(), admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/registry/hseresult/add/",
            {
                "operative": application.operative_id,
                "number": "HSE7000001",
                "taken_on": date.today().isoformat(),
                "passed": "on",
                "score": "46",
            },
        )
    assert response.status_code == 302, response.text[:3000]
    result = HseResult.objects.get(number="HSE7000001")
    assert result.expires_on is not None
    application.refresh_from_db()
    assert application.status == Status.VERIFIED


# Renewal


@pytest.mark.django_db
def test_a_renewal_takes_over_the_remaining_validity(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    employment = EmploymentFactory(organisation=primary_user.organisation, office=primary_user.office)
    old = CardFactory(
        operative=employment.operative,
        card_type=CardType.objects.get(name="Electrical Labourer"),
        expires_on=date.today() + timedelta(days=40),
    )
    application = prepare_application(
        primary_user,
        employment=employment,
        card_type="Electrical Labourer",
        occupation="Electrical Labourer (2018)",
        codes=(),
        application_type=ApplicationType.RENEWAL,
        renews_card=old,
    )
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == Status.VERIFIED
    approve_and_dispatch(application, django_capture_on_commit_callbacks)
    card = application.card
    assert card.expires_on == old.expires_on + relativedelta(months=36)
    old.refresh_from_db()
    assert old.cancelled_at is not None
    assert f"card {old.number} replaced" in application.events.last().what


# The awarding body unavailable during the pre-checks


def _dead_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.django_db
def test_awarding_body_down_hands_the_case_to_a_person(
    primary_user, settings, inline_jobs, django_capture_on_commit_callbacks
):
    settings.AWARDING_BODIES_URL = _dead_port()
    settings.EXTERNAL_TIMEOUT_SECONDS = 1
    application = prepare_application(primary_user)
    unchecked = application.documents.first()
    ApplicationDocument.objects.filter(pk=unchecked.pk).update(status=DocStatus.MANUAL_CHECK, body_check={})
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == Status.VERIFYING
    failed = Flow.task_class.objects.get(process__artifact_object_id=application.pk, flow_task=Flow.pre_checks)
    assert failed.status == STATUS.ERROR  # an incident: a person sends the case to manual checking
    verifier = jib_client("verification")
    incident = Incident.objects.get(task=failed)
    assert verifier.post(f"/backoffice/incidents/{incident.pk}/manual/").status_code == 302
    assert open_tasks(application) == {Flow.verify}
    page, _ = work(
        verifier,
        application,
        Flow.verify,
        {"decision": "approve", f"doc_{unchecked.pk}": "accept"},
        django_capture_on_commit_callbacks,
    )
    assert "could not finish" in page.text and "City &amp; Guilds is unavailable" in page.text
    assert application.status == Status.VERIFIED
    assert application.documents.count() == 3  # nothing lost


@pytest.mark.django_db
def test_pre_checks_ask_the_awarding_body_when_its_answer_is_missing(
    primary_user, awarding_bodies, inline_jobs, django_capture_on_commit_callbacks
):
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", date_of_birth=date(1985, 6, 15))
    employment = EmploymentFactory(
        operative=operative, organisation=primary_user.organisation, office=primary_user.office
    )
    application = prepare_application(primary_user, employment=employment, codes=("AM2", "2382-22"))
    ApplicationDocument.objects.create(
        application=application,
        kind=ApplicationDocument.Kind.CERTIFICATE,
        entry=ApplicationDocument.Entry.MANUAL,
        status=DocStatus.MANUAL_CHECK,
        awarding_body=AwardingBody.objects.get(code="city-and-guilds"),
        certificate_number="CG700037",
        uploaded_by=primary_user.user,
    )
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    checked = application.documents.get(certificate_number="CG700037")
    assert checked.body_check["found"] and checked.body_check["by"] == "pre-checks" and not checked.problems
    assert checked.status == DocStatus.VERIFIED and checked.qualification_type.code == "2357-13"
    assert application.status == Status.VERIFIED


# The real Prefect path


@pytest.mark.prefect
def test_pre_checks_through_prefect(prefect_worker, settings):
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    portal_user = PortalUserFactory(organisation=organisation, all_flags=True)
    application = prepare_application(portal_user)
    with transaction.atomic():  # as the order's transaction does
        application_services.card_application_mark_ordered(application=application, actor=portal_user.user)
    application_services.card_application_payment_received(application=application)  # commits: job to Prefect
    deadline = time.monotonic() + 60
    while CardApplication.objects.get(pk=application.pk).status != Status.VERIFIED:
        assert time.monotonic() < deadline, "the pre-checks did not finish on Prefect"
        time.sleep(0.25)
    application.refresh_from_db()
    assert application.pre_checks["outcome"] == "passed"
    assert open_tasks(application) == {Flow.approve}


# Permissions in the back office


@pytest.mark.django_db
def test_back_office_tasks_need_the_team_permission(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    application = prepare_application(primary_user, documents_status=DocStatus.MANUAL_CHECK)
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    licensing = jib_client("licensing")
    assert licensing.post(task_url(application, Flow.verify, "assign/")).status_code == 403
    assert licensing.get(task_url(application, Flow.verify, "execute/")).status_code == 403
    processing = jib_client("processing")
    assert processing.post(task_url(application, Flow.verify, "assign/")).status_code == 403
    document = application.documents.first()
    assert licensing.get(f"/backoffice/workflow/flows/cardapplication/document/{document.pk}/").status_code == 403
    employer = sign_in(Client(), primary_user.user)
    assert employer.get(task_url(application, Flow.verify, "execute/")).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.VERIFYING and open_task(application, Flow.verify).owner_id is None
    verifier = jib_client("verification")
    work(
        verifier,
        application,
        Flow.verify,
        {"decision": "approve", **{f"doc_{d.pk}": "accept" for d in application.documents.all()}},
        django_capture_on_commit_callbacks,
    )
    # The verification team cannot approve as a team leader.
    assert verifier.post(task_url(application, Flow.approve, "assign/")).status_code == 403


# The lists keep a constant number of queries


def _paid_many(primary_user, capture, n, *, dispatched=0):
    """n applications on conditional hold, and `dispatched` more with a card, dispatched today."""
    for _ in range(n):
        pay(prepare_application(primary_user, hse="will_sit"), primary_user, capture)
    for _ in range(dispatched):
        application = prepare_application(primary_user)
        card = CardFactory(operative=application.operative, card_type=application.card_type)
        CardApplication.objects.filter(pk=application.pk).update(
            status=Status.DISPATCHED, completed_at=timezone.now(), card=card, paid_at=timezone.now()
        )


@pytest.mark.django_db
def test_produced_and_completed_lists_query_counts(
    primary_user, inline_jobs, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = sign_in(Client(), primary_user.user)
    _paid_many(primary_user, django_capture_on_commit_callbacks, 1, dispatched=1)
    client.get("/portal/applications/produced/")
    with django_assert_max_num_queries(12) as few_produced:
        assert client.get("/portal/applications/produced/").status_code == 200
    with django_assert_max_num_queries(12) as few_completed:
        assert client.get("/portal/applications/completed/").status_code == 200
    _paid_many(primary_user, django_capture_on_commit_callbacks, 5, dispatched=5)
    with django_assert_max_num_queries(len(few_produced.captured_queries)):
        page = client.get("/portal/applications/produced/")
    assert page.text.count("govuk-tag--yellow") == 6 and "HS&amp;E assessment" in page.text
    with django_assert_max_num_queries(len(few_completed.captured_queries)):
        page = client.get("/portal/applications/completed/")
    assert page.text.count("govuk-tag--green") == 6
    # Completed ones are listed for three months only.
    CardApplication.objects.filter(status=Status.DISPATCHED).update(completed_at=timezone.now() - timedelta(days=100))
    assert "No applications completed in the last three months" in client.get("/portal/applications/completed/").text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cards_prepared_at_once_get_different_numbers():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    portal_user = PortalUserFactory(all_flags=True)
    applications = [start_application(portal_user=portal_user) for _ in range(12)]
    CardApplication.objects.filter(pk__in=[a.pk for a in applications]).update(status=Status.APPROVED)
    start = threading.Barrier(len(applications))
    errors = []

    def prepare(application):
        try:
            start.wait()
            application_services.card_application_prepare(application=application)
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=prepare, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    numbers = sorted(int(n) for n in Card.objects.filter(number__startswith="6").values_list("number", flat=True))
    assert numbers == list(range(60_000_000, 60_000_000 + len(applications)))
    assert CardApplication.objects.filter(status=Status.PREPARED, card__isnull=False).count() == len(applications)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_endorsers_at_once_one_wins(settings):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    settings.ECS_RUN_JOBS_INLINE = True
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    filler, application = _graded_application(organisation, at_office=organisation.head_office,
                                               qualified_supervisor=False)  # fmt: skip
    with transaction.atomic():
        application_services.card_application_mark_ordered(application=application, actor=filler.user)
    application_services.card_application_payment_received(application=application)
    endorsers = [PortalUserFactory(organisation=organisation, flags=[Flag.ENDORSE_GRADING]) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = []

    def endorse(portal_user):
        try:
            start.wait()
            application_services.card_application_endorse(
                application=application, actor=portal_user.user, which="grading", endorse=True
            )
            outcomes.append("endorsed")
        except application_services.ApplicationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=endorse, args=(p,)) for p in endorsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["endorsed", "refused"]
    application.refresh_from_db()
    assert application.status == Status.VERIFIED
    assert application.events.filter(what__startswith="Change in grading to").count() == 1
