"""The assessment-booking process through every branch: invited, the delegate's session, marking, the
invigilator's review, the result on the ECS record (pass and fail); voided; expired; cancelled; a failed
invitation or marking handed to a person; the invigilator's task page for the invigilation team only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.status import PROCESS, STATUS

from portal.assessments import services as domain
from portal.assessments import sitting_services as services
from portal.assessments.models import AssessmentResult, Booking, Sitting
from portal.registry.models import HseResult
from tests.applications.flows.test_card_application_processing import jib_client
from tests.assessments.session.support import face_png, link_token, make_booking
from workflows.assessment_booking.flows import AssessmentBookingFlow as Flow
from workflows.assessment_booking.receivers import ProcessOutOfStep
from workflows.assessment_booking.selectors import booking_process, open_task
from workflows.incidents import services as incidents
from workflows.incidents.models import Incident

Status = Booking.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def open_steps(booking) -> set:
    return set(
        Flow.task_class.objects.filter(
            process__artifact_object_id=booking.pk,
            process__flow_class=Flow,
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED, STATUS.STARTED],
        ).values_list("flow_task", flat=True)
    )


def task_url(booking, node, suffix=""):
    task = open_task(booking=booking, node=node)
    return f"/backoffice/workflow/flows/assessmentbooking/{task.process_id}/{node.name}/{task.pk}/{suffix}"


def work(client, booking, node, data, capture):
    """Assign the task to oneself and complete it, as an invigilator does in the back office."""
    task = open_task(booking=booking, node=node)
    if task.owner_id is None:
        assert client.post(task_url(booking, node, "assign/")).status_code == 302
    page = client.get(task_url(booking, node, "execute/"))
    assert page.status_code == 200
    with capture():
        response = client.post(task_url(booking, node, "execute/"), data)
    booking.refresh_from_db()
    return page, response


def booked(primary_user, capture, **changes) -> Booking:
    with capture():
        booking = make_booking(primary_user, **changes)
    booking.refresh_from_db()
    return booking


def sit(booking, capture, *, right: int, fail_by_focus: bool = False) -> Sitting:
    """The delegate's session through the services: `right` answers correct (of 6), then submitted."""
    sitting = services.sitting_open(token=link_token(booking))
    services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
    services.sitting_photo_save(sitting=sitting, kind="id", data=face_png(), id_document="driving_licence")
    with capture():
        services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=True)
    assert open_steps(booking) == {Flow.await_session}
    sitting, claim = services.sitting_claim(sitting=sitting)
    for position in range(1, 7):
        choice = "a" if position <= right else "b"
        sitting = services.sitting_answer(sitting=sitting, claim=claim, position=position, choice=choice)
    with capture():
        if fail_by_focus:
            services.sitting_focus_lost(sitting=sitting, claim=claim, what="window left")
        else:
            services.sitting_submit(sitting=sitting, claim=claim)
    booking.refresh_from_db()
    return Sitting.objects.get(pk=sitting.pk)


def end_of(booking):
    process = booking_process(booking=booking)
    ends = process.task_set.filter(flow_task_type="END").values_list("flow_task", flat=True)
    return process.status, set(ends)


# Pass and fail, recorded on the ECS record


def test_a_pass_goes_from_booking_to_the_ecs_record(primary_user, capture):
    booking = booked(primary_user, capture)
    assert booking.status == Status.INVITED and open_steps(booking) == {Flow.await_delegate}
    sitting = sit(booking, capture, right=6)
    assert sitting.marked_at is not None and sitting.passed is True and sitting.score_percent == 100
    assert open_steps(booking) == {Flow.review}
    marking = Flow.task_class.objects.get(process__artifact_object_id=booking.pk, flow_task=Flow.marking)
    assert marking.status == STATUS.DONE and marking.data["result"]["passed"] is True

    invigilator = jib_client("invigilation")
    page, response = work(invigilator, booking, Flow.review, {"decision": "confirm"}, capture)
    assert "Webcam photograph" in page.text and "Photograph on the ECS record" in page.text
    assert "Face check: One face is visible." in page.text and "Started" in page.text
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Status.PASSED
    result = AssessmentResult.objects.get(booking=booking)
    assert result.passed and result.hse_result is not None
    assert HseResult.objects.get(pk=result.hse_result_id).expires_on is not None
    assert end_of(booking) == (PROCESS.DONE, {Flow.recorded})


def test_a_fail_is_recorded_as_a_fail(primary_user, capture):
    booking = booked(primary_user, capture)
    sitting = sit(booking, capture, right=3)
    assert sitting.passed is False and sitting.score_percent == 50
    work(jib_client("invigilation"), booking, Flow.review, {"decision": "confirm"}, capture)
    assert booking.status == Status.FAILED
    assert AssessmentResult.objects.get(booking=booking).passed is False
    assert end_of(booking) == (PROCESS.DONE, {Flow.recorded})


def test_a_sitting_failed_by_leaving_the_window_is_marked_a_fail(primary_user, capture):
    booking = booked(primary_user, capture)
    sitting = sit(booking, capture, right=6, fail_by_focus=True)
    assert sitting.failure_reason == services.FAILED_FOCUS and sitting.passed is False
    page, _ = work(jib_client("invigilation"), booking, Flow.review, {"decision": "confirm"}, capture)
    assert "Left the assessment window" in page.text and services.FAILED_FOCUS in page.text
    assert booking.status == Status.FAILED


# Voided, expired, cancelled


def test_the_invigilator_voids_with_a_reason(primary_user, capture):
    booking = booked(primary_user, capture)
    sit(booking, capture, right=6)
    invigilator = jib_client("invigilation")
    _, response = work(invigilator, booking, Flow.review, {"decision": "void", "reason": ""}, capture)
    assert response.status_code == 200 and "Give the reason for voiding" in response.text
    assert open_steps(booking) == {Flow.review} and booking.status == Status.SUBMITTED
    _, response = work(
        invigilator, booking, Flow.review, {"decision": "void", "reason": "The ID photo shows someone else"}, capture
    )
    assert response.status_code == 302
    assert booking.status == Status.VOIDED and not AssessmentResult.objects.filter(booking=booking).exists()
    assert end_of(booking) == (PROCESS.DONE, {Flow.voided})


def test_an_unused_link_expires_and_the_process_ends(primary_user, capture):
    booking = booked(primary_user, capture)
    Booking.objects.filter(pk=booking.pk).update(invite_expires_at=timezone.now() - timedelta(minutes=1))
    with capture():
        assert services.bookings_remind_and_expire()["expired"] == 1
    booking.refresh_from_db()
    assert booking.status == Status.EXPIRED
    assert end_of(booking) == (PROCESS.DONE, {Flow.expired})


def test_a_reminder_leaves_the_process_waiting(primary_user, capture):
    booking = booked(primary_user, capture)
    Booking.objects.filter(pk=booking.pk).update(invite_sent_at=timezone.now() - timedelta(days=7, minutes=1))
    assert services.bookings_remind_and_expire()["reminded"] == 1
    assert open_steps(booking) == {Flow.await_delegate}


def test_cancelling_cancels_the_process(primary_user, capture):
    booking = booked(primary_user, capture)
    with capture():
        domain.booking_cancel(booking=booking, actor=primary_user.user)
    process = booking_process(booking=booking)
    assert process.status == PROCESS.CANCELED
    assert process.task_set.get(flow_task=Flow.await_delegate).status == STATUS.CANCELED


def test_a_start_the_process_is_not_waiting_for_is_undone(primary_user, capture):
    booking = booked(primary_user, capture)
    Flow.instance.cancel(booking_process(booking=booking))
    sitting = services.sitting_open(token=link_token(booking))
    services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
    services.sitting_photo_save(sitting=sitting, kind="id", data=face_png())
    with pytest.raises(ProcessOutOfStep):
        services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=True)
    sitting.refresh_from_db()
    booking.refresh_from_db()
    assert not sitting.is_started and booking.status == Status.INVITED


# Automated steps that fail wait as an incident: a person runs them again or sends them to manual checking


def staff(*teams):
    """A back-office person of `teams` (the user, for the incident services)."""
    from portal.accounts.models import User

    client = jib_client(*teams)
    return User.objects.get(pk=client.session["_auth_user_id"])


def incident_of(booking, node) -> Incident:
    """The open incident of the booking's failed automated step at `node`."""
    return Incident.objects.get(
        process__artifact_object_id=booking.pk, flow_task=get_task_ref(node), resolved_at__isnull=True
    )


def armed_boundary(node) -> set:
    """What is open while a failed step waits as an incident: only the step's error boundary."""
    return {node._boundary_events[0]}


def failed_marking(primary_user, capture, monkeypatch):
    """A sitting submitted while marking cannot run: the marking fails (inline: no retries) and opens an incident.
    Returns the booking and a function that mends the marking."""
    booking = booked(primary_user, capture)

    def broken(**kwargs):
        raise RuntimeError("the question bank could not be read")

    real = services.sitting_mark
    monkeypatch.setattr(services, "sitting_mark", broken)
    sit(booking, capture, right=6)
    return booking, lambda: monkeypatch.setattr(services, "sitting_mark", real)


def test_marking_that_fails_waits_as_an_incident_and_a_retry_runs_it_again(primary_user, capture, monkeypatch):
    booking, mend = failed_marking(primary_user, capture, monkeypatch)
    incident = incident_of(booking, Flow.marking)
    assert incident.is_open and incident.tries == 1 and incident.step == "Automated marking"
    assert "the question bank could not be read" in incident.error and booking.reference in incident.case
    assert incident.task.status == STATUS.ERROR
    assert open_steps(booking) == armed_boundary(Flow.marking)  # nobody has it yet: no mark_again task
    assert Sitting.objects.get(booking=booking).marked_at is None

    leader = staff("invigilation")
    with capture():  # still broken: a new incident counts every try
        incidents.incident_retry(incident=incident, actor=leader)
    again = incident_of(booking, Flow.marking)
    assert again.pk != incident.pk and again.tries == 2 and again.task_id == incident.task_id

    mend()
    with capture():
        incidents.incident_retry(incident=again, actor=leader)
    again.refresh_from_db()
    assert again.resolution == Incident.Resolution.RETRIED
    assert open_steps(booking) == {Flow.review}
    marking = Flow.task_class.objects.get(process__artifact_object_id=booking.pk, flow_task=Flow.marking)
    assert marking.status == STATUS.DONE and marking.data["result"]["passed"] is True
    assert Sitting.objects.get(booking=booking).passed is True


def test_marking_sent_to_manual_goes_to_a_person_who_runs_it_again(primary_user, capture, monkeypatch):
    booking, mend = failed_marking(primary_user, capture, monkeypatch)
    with capture():
        incidents.incident_send_to_manual(incident=incident_of(booking, Flow.marking), actor=staff("invigilation"))
    assert open_steps(booking) == {Flow.mark_again}
    marking = Flow.task_class.objects.get(process__artifact_object_id=booking.pk, flow_task=Flow.marking)
    assert marking.status == STATUS.CANCELED

    invigilator = jib_client("invigilation")
    page, response = work(invigilator, booking, Flow.mark_again, {}, capture)
    assert "the question bank could not be read" in page.text
    assert response.status_code == 200 and "It failed again" in response.text  # still broken: the task stays
    mend()
    _, response = work(invigilator, booking, Flow.mark_again, {}, capture)
    assert response.status_code == 302
    assert open_steps(booking) == {Flow.review}
    assert Sitting.objects.get(booking=booking).passed is True


def failed_invitation(primary_user, capture, monkeypatch) -> Booking:
    def broken(*args, **kwargs):
        raise ConnectionError("the mail server refused the message")

    monkeypatch.setattr(services, "_send_link", broken)
    booking = booked(primary_user, capture)
    assert booking.status == Status.INVITED
    assert open_steps(booking) == armed_boundary(Flow.invite)
    assert "the mail server refused the message" in incident_of(booking, Flow.invite).error
    return booking


def test_an_invitation_that_cannot_be_sent_is_sent_again_on_a_retry(primary_user, capture, monkeypatch):
    booking = failed_invitation(primary_user, capture, monkeypatch)
    monkeypatch.undo()
    with capture():
        incidents.incident_retry(incident=incident_of(booking, Flow.invite), actor=staff("invigilation"))
    assert open_steps(booking) == {Flow.await_delegate}
    assert services.sitting_open(token=link_token(booking)).booking_id == booking.pk


def test_an_invitation_sent_to_manual_goes_to_a_person(primary_user, capture, monkeypatch):
    booking = failed_invitation(primary_user, capture, monkeypatch)
    with capture():
        incidents.incident_send_to_manual(incident=incident_of(booking, Flow.invite), actor=staff("invigilation"))
    assert open_steps(booking) == {Flow.invite_again}
    monkeypatch.undo()
    work(jib_client("invigilation"), booking, Flow.invite_again, {}, capture)
    assert open_steps(booking) == {Flow.await_delegate}
    assert services.sitting_open(token=link_token(booking)).booking_id == booking.pk


def test_recording_that_fails_waits_as_an_incident_then_goes_to_a_person(primary_user, capture, monkeypatch):
    booking = booked(primary_user, capture)
    sit(booking, capture, right=6)
    real = domain.assessment_result_record

    def broken(**kwargs):
        raise RuntimeError("the ECS record is locked")

    monkeypatch.setattr(domain, "assessment_result_record", broken)
    invigilator = jib_client("invigilation")
    work(invigilator, booking, Flow.review, {"decision": "confirm"}, capture)
    assert open_steps(booking) == armed_boundary(Flow.record)
    incident = incident_of(booking, Flow.record)
    assert "the ECS record is locked" in incident.error
    with capture():
        incidents.incident_send_to_manual(incident=incident, actor=staff("invigilation"))
    assert open_steps(booking) == {Flow.record_again}
    monkeypatch.setattr(domain, "assessment_result_record", real)
    _, response = work(invigilator, booking, Flow.record_again, {}, capture)
    assert response.status_code == 302
    assert booking.status == Status.PASSED and AssessmentResult.objects.filter(booking=booking).exists()
    assert end_of(booking) == (PROCESS.DONE, {Flow.recorded})


# The invigilator's task page: the invigilation team only


def test_the_review_page_and_photographs_are_for_the_invigilation_team(primary_user, capture):
    booking = booked(primary_user, capture)
    sit(booking, capture, right=6)
    process_pk = booking_process(booking=booking).pk
    photo = f"/backoffice/workflow/flows/assessmentbooking/photo/{booking.pk}/webcam/"
    verification = jib_client("verification")
    assert verification.get(task_url(booking, Flow.review, "execute/")).status_code == 403
    assert verification.get(photo).status_code == 403
    assert verification.get(f"/backoffice/workflow/flows/assessmentbooking/{process_pk}/").status_code == 403
    assert Client().get(photo).status_code == 302  # not signed in: to the sign-in page

    invigilator = jib_client("invigilation")
    assert booking.reference in invigilator.get("/backoffice/workflow/queue/").text
    response = invigilator.get(photo)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert (
        invigilator.get(f"/backoffice/workflow/flows/assessmentbooking/photo/{booking.pk}/record/").status_code == 404
    )
    assert invigilator.get("/backoffice/workflow/flows/assessmentbooking/photo/999999/webcam/").status_code == 404


def expire(booking, capture) -> None:
    Booking.objects.filter(pk=booking.pk).update(invite_expires_at=timezone.now() - timedelta(minutes=1))
    with capture():
        assert services.bookings_remind_and_expire()["expired"] == 1
    booking.refresh_from_db()


def test_an_expiry_while_the_invitation_waits_as_an_incident_cancels_the_process(primary_user, capture, monkeypatch):
    booking = failed_invitation(primary_user, capture, monkeypatch)
    incident = incident_of(booking, Flow.invite)
    expire(booking, capture)
    assert booking.status == Status.EXPIRED
    process = booking_process(booking=booking)
    assert process.status == PROCESS.CANCELED and open_steps(booking) == set()
    assert process.task_set.get(flow_task=Flow.invite).status == STATUS.CANCELED
    # The incident closes itself when a person comes to it: the case has moved on.
    with pytest.raises(incidents.IncidentError, match="moved on"):
        incidents.incident_retry(incident=incident, actor=staff("invigilation"))
    incident.refresh_from_db()
    assert incident.resolution == Incident.Resolution.CASE_MOVED_ON


def test_an_expiry_while_the_invitation_is_with_a_person_cancels_the_process(primary_user, capture, monkeypatch):
    booking = failed_invitation(primary_user, capture, monkeypatch)
    with capture():
        incidents.incident_send_to_manual(incident=incident_of(booking, Flow.invite), actor=staff("invigilation"))
    assert open_steps(booking) == {Flow.invite_again}
    expire(booking, capture)
    assert booking.status == Status.EXPIRED
    process = booking_process(booking=booking)
    assert process.status == PROCESS.CANCELED and open_steps(booking) == set()
    assert process.task_set.get(flow_task=Flow.invite_again).status == STATUS.CANCELED


def test_the_scheduled_sweep(primary_user, capture):
    from tasks.assessments import sweep_assessment_bookings

    booking = booked(primary_user, capture)
    Booking.objects.filter(pk=booking.pk).update(invite_expires_at=timezone.now() - timedelta(minutes=1))
    with capture():
        assert sweep_assessment_bookings.fn() == {"closed": 0, "reminded": 0, "expired": 1}
    assert end_of(booking) == (PROCESS.DONE, {Flow.expired})


def test_an_hse_pass_releases_the_card_application_waiting_for_it(
    primary_user, capture, django_capture_on_commit_callbacks
):
    from portal.applications.models import CardApplication
    from tests.applications.flows.test_card_application_processing import pay, prepare_application

    application = prepare_application(primary_user, hse="will_sit")
    application = pay(application, primary_user, django_capture_on_commit_callbacks)
    assert application.status == CardApplication.Status.CONDITIONAL_HOLD
    with capture():
        booking = make_booking(primary_user, employment=application.employment)
    booking.refresh_from_db()
    sit(booking, capture, right=6)
    work(jib_client("invigilation"), booking, Flow.review, {"decision": "confirm"}, capture)
    assert booking.status == Status.PASSED
    application.refresh_from_db()
    result = AssessmentResult.objects.get(booking=booking)
    assert application.hse_result_id == result.hse_result_id
    assert application.status == CardApplication.Status.VERIFIED and application.hold_reason == ""
