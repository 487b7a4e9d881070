from django.urls import path
from viewflow import this
from viewflow.workflow import flow

from portal.accounts.access import INVIGILATION_TEAMS
from workflows.assessment_booking import jobs, views
from workflows.assessment_booking.models import AssessmentBookingProcess
from workflows.common.flows import JibCasework
from workflows.common.nodes import Job, Switch

CASE_SUMMARY = "{{ process.booking.reference }} {{ process.booking.operative }} ({{ process.booking.assessment_type }})"
REVIEW = "workflow_assessment_booking.review_assessment_sitting"


class AssessmentBookingFlow(JibCasework, flow.Flow):
    """An ECS Assessment booking: the delegate invited by email and SMS with a single-use link, the wait for them
    (a reminder after 7 days, expiry after 30: a daily sweep), the remote session, automated marking, the JIB
    invigilator's review, and the confirmed result recorded on the ECS record.

    The process moves when the domain announces a fact (workflows.assessment_booking.receivers); the conditions
    are methods of AssessmentBookingProcess. Each automated step runs on Prefect; when it still fails after its
    retries, it waits as an incident (workflows.incidents): a person runs it again, or sends it to manual checking,
    where its .OnError boundary's task lets the invigilation team run it again from its task page."""

    jib_teams = INVIGILATION_TEAMS

    process_class = AssessmentBookingProcess
    process_title = "Assessment booking"
    process_summary_template = CASE_SUMMARY

    start = flow.StartHandle(this.start_process).Next(this.invite)
    invite = (
        Job(jobs.send_invitation)
        .Annotation(title="Delegate invited (email and SMS)")
        .OnError(this.invite_again)
        .Next(this.await_delegate)
    )
    invite_again = (
        flow.View(views.RetryView.as_view(work=jobs.send_invitation))
        .Annotation(title="Send the delegate's link again", summary_template=CASE_SUMMARY)
        .Permission(REVIEW)
        .Next(this.await_delegate)
    )
    # Moves on when the delegate starts the assessment, or when the link expires unused.
    await_delegate = (
        flow.Handle(this.delegate_arrived).Annotation(title="Waiting for the delegate").Next(this.delegate_route)
    )
    delegate_route = (
        Switch()
        .Case(this.await_session, lambda activation: activation.process.delegate_started(), "the delegate started")
        .Default(this.expired)
    )
    # Moves on when the sitting ends: submitted, the time run out, or failed (a prompt missed, the window left).
    await_session = flow.Handle(this.session_taken).Annotation(title="Session taken").Next(this.marking)
    marking = Job(jobs.mark_sitting).Annotation(title="Automated marking").OnError(this.mark_again).Next(this.review)
    mark_again = (
        flow.View(views.RetryView.as_view(work=jobs.mark_sitting))
        .Annotation(title="Mark the sitting again", summary_template=CASE_SUMMARY)
        .Permission(REVIEW)
        .Next(this.review)
    )
    review = (
        flow.View(views.ReviewView.as_view())
        .Annotation(title="Invigilator review", summary_template=CASE_SUMMARY)
        .Permission(REVIEW)
        .Next(this.review_route)
    )
    review_route = (
        Switch()
        .Case(this.record, lambda activation: activation.process.sitting_confirmed(), "the outcome confirmed")
        .Default(this.voided)
    )
    record = (
        Job(jobs.record_result)
        .Annotation(title="Result recorded on the ECS record")
        .OnError(this.record_again)
        .Next(this.recorded)
    )
    record_again = (
        flow.View(views.RetryView.as_view(work=jobs.record_result))
        .Annotation(title="Record the result again", summary_template=CASE_SUMMARY)
        .Permission(REVIEW)
        .Next(this.recorded)
    )
    recorded = flow.End()
    voided = flow.End()
    expired = flow.End()

    # The sitting's photographs and the ECS record's, for the invigilators (personal data).
    photo_path = path("photo/<int:booking_pk>/<str:which>/", views.photo, name="photo")

    # Waits completed by workflows.assessment_booking.receivers.
    def delegate_arrived(self, activation):
        """The delegate started the assessment, or the link expired."""

    def session_taken(self, activation):
        """The sitting ended and waits to be marked."""
