from django.urls import path
from viewflow import this
from viewflow.workflow import flow

from portal.accounts.access import CARD_APPLICATION_TEAMS
from portal.applications import processing_services as services
from portal.applications.models import CardApplication
from workflows.card_application import views
from workflows.card_application.models import CardApplicationProcess
from workflows.common.flows import JibCasework
from workflows.common.nodes import Job

Status = CardApplication.Status
CASE_SUMMARY = "{{ process.application.reference }} {{ process.application.operative }}"
VERIFY = "workflow_card_application.verify_card_application"
APPROVE = "workflow_card_application.approve_card_application"
DISPATCH = "workflow_card_application.dispatch_card"


def _status_is(status):
    return lambda activation: activation.process.application_status() == status


class CardApplicationFlow(JibCasework, flow.Flow):
    """Card application: the employer fills in, finalises, orders and pays; then the JIB's part: endorsements,
    automated pre-checks, verification (with holds), team leader approval, the card prepared and dispatched."""

    jib_teams = CARD_APPLICATION_TEAMS

    process_class = CardApplicationProcess
    process_title = "Card application"
    process_summary_template = CASE_SUMMARY

    start = flow.StartHandle(this.start_process).Next(this.await_payment)
    # The employer's four steps, finalising and ordering are the application's own states; the process waits
    # here until the order holding the application is paid (portal.applications.services).
    await_payment = (
        flow.Handle(this.payment_received)
        .Annotation(title="Employer completes, orders and pays")
        .Next(this.endorsement_needed)
    )

    # Endorsements by the employer (portal pages), in parallel, before the JIB checks anything.
    endorsement_needed = (
        flow.Switch()
        .Case(this.request_endorsements, lambda activation: activation.process.needs_endorsement())
        .Default(this.verifying)
    )
    request_endorsements = (
        flow.Function(this.awaiting_endorsement).Annotation(title="Endorsements requested").Next(this.endorse)
    )
    endorse = (
        flow.Split()
        .Next(this.endorse_grading, case=lambda activation: activation.process.needs_grading_endorsement())
        .Next(this.endorse_supervisor, case=lambda activation: activation.process.needs_supervisor_endorsement())
    )
    endorse_grading = (
        flow.Handle(this.employer_task_done)
        .Annotation(title="Employer endorses the change in grading")
        .Next(this.endorsed)
    )
    endorse_supervisor = (
        flow.Handle(this.employer_task_done)
        .Annotation(title="Employer endorses Qualified Supervisor status")
        .Next(this.endorsed)
    )
    endorsed = flow.Join().Next(this.verifying)

    # Verifying: automated pre-checks on Prefect, then automatically verified, a conditional hold, or a person.
    verifying = flow.Function(this.start_verifying).Annotation(title="Verifying").Next(this.pre_checks)
    pre_checks = (
        Job(services.card_application_run_pre_checks)
        .Annotation(title="Automated pre-checks")
        .OnError(this.verify)
        .Next(this.pre_checks_route)
    )
    pre_checks_route = (
        flow.Switch()
        .Case(this.verified_automatically, lambda activation: activation.process.pre_checks_outcome() == "passed")
        .Case(this.hold_conditionally, lambda activation: activation.process.pre_checks_outcome() == "awaiting_hse")
        .Default(this.verify)
    )
    verified_automatically = (
        flow.Function(this.verify_automatically).Annotation(title="Verified automatically").Next(this.approve)
    )
    hold_conditionally = (
        flow.Function(this.put_on_conditional_hold).Annotation(title="Conditional hold").Next(this.conditional_hold)
    )
    # Completed by portal.registry.services.hse_result_record when the operative passes the HS&E assessment.
    conditional_hold = (
        flow.Handle(this.hse_pass_recorded).Annotation(title="Waiting for an HS&E pass").Next(this.verifying)
    )
    verify = (
        flow.View(views.VerifyView.as_view())
        .Annotation(title="Verify the application", summary_template=CASE_SUMMARY)
        .Permission(VERIFY)
        .Next(this.verify_route)
    )
    verify_route = (
        flow.Switch()
        .Case(this.approve, _status_is(Status.VERIFIED))
        .Case(this.await_supply, _status_is(Status.ON_HOLD))
        .Case(this.hold_conditionally, _status_is(Status.CONDITIONAL_HOLD))
        .Default(this.rejected)
    )
    # Completed by the employer's "supply what is missing" page.
    await_supply = (
        flow.Handle(this.employer_task_done).Annotation(title="Employer supplies what is missing").Next(this.verifying)
    )

    # Verified: a team leader approves, the card is prepared and sent.
    approve = (
        flow.View(views.ApproveView.as_view())
        .Annotation(title="Team leader approval", summary_template=CASE_SUMMARY)
        .Permission(APPROVE)
        .Next(this.approve_route)
    )
    approve_route = flow.Switch().Case(this.prepare, _status_is(Status.APPROVED)).Default(this.verify)
    prepare = flow.Function(this.prepare_card).Annotation(title="Card prepared").Next(this.dispatch)
    dispatch = (
        flow.View(views.DispatchView.as_view())
        .Annotation(title="Dispatch the card", summary_template=CASE_SUMMARY)
        .Permission(DISPATCH)
        .Next(this.dispatched)
    )
    dispatched = flow.End()
    rejected = flow.End()

    # The application's documents, for the case workers (JIB staff only; personal data).
    document_path = path("document/<int:document_pk>/", views.document, name="document")

    def payment_received(self, activation):
        """Run by card_application_payment_received."""

    def employer_task_done(self, activation):
        """Run by the employer's portal page, through its service (endorse, supply)."""

    def hse_pass_recorded(self, activation):
        """Run by card_application_release_conditional_holds."""

    def awaiting_endorsement(self, activation):
        services.card_application_request_endorsements(application=activation.process.application)

    def start_verifying(self, activation):
        services.card_application_start_verifying(application=activation.process.application)

    def verify_automatically(self, activation):
        services.card_application_verify_automatically(application=activation.process.application)

    def put_on_conditional_hold(self, activation):
        services.card_application_hold_conditionally(application=activation.process.application)

    def prepare_card(self, activation):
        approval = (
            activation.process.task_set.filter(flow_task=self.approve, owner__isnull=False).order_by("-pk").first()
        )
        services.card_application_prepare(
            application=activation.process.application, actor=approval.owner if approval else None
        )
