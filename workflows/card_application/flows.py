from django.urls import path
from viewflow import this
from viewflow.workflow import flow

from portal.accounts.access import CARD_APPLICATION_TEAMS
from portal.applications import services
from portal.applications.models import CardApplication
from portal.organisations.permissions import Flag
from workflows.card_application import jobs, views
from workflows.card_application.models import CardApplicationProcess
from workflows.card_application.nodes import EmployerTask, InclusiveJoin, InclusiveSplit
from workflows.common.flows import JibCasework
from workflows.common.nodes import Job, Switch

Endorsement = CardApplication.Endorsement
CASE_SUMMARY = "{{ process.application.reference }} {{ process.application.operative }}"
VERIFY = "workflow_card_application.verify_card_application"
APPROVE = "workflow_card_application.approve_card_application"
DISPATCH = "workflow_card_application.dispatch_card"


class CardApplicationFlow(JibCasework, flow.Flow):
    """Card application: the employer fills in, finalises, orders and pays; then the JIB's part: endorsements,
    automated pre-checks, verification (with holds), team leader approval, the card prepared and dispatched.

    The process moves when the domain announces a fact (workflows.card_application.receivers); the conditions
    are methods of CardApplicationProcess."""

    jib_teams = CARD_APPLICATION_TEAMS

    process_class = CardApplicationProcess
    process_title = "Card application"
    process_summary_template = CASE_SUMMARY

    start = flow.StartHandle(this.start_process).Next(this.await_payment)
    # The employer's four steps, finalising and ordering are the application's own states; the process waits
    # here until the order holding the application is paid.
    await_payment = (
        flow.Handle(this.payment_received)
        .Annotation(title="Employer completes, orders and pays")
        .Next(this.endorsement_needed)
    )

    # Endorsements by the employer's users (portal pages), in parallel, before the JIB checks anything.
    endorsement_needed = (
        Switch()
        .Case(
            this.request_endorsements,
            lambda activation: activation.process.needs_endorsement(),
            "an endorsement is needed",
        )
        .Default(this.verifying)
    )
    request_endorsements = (
        flow.Function(this.awaiting_endorsement).Annotation(title="Endorsements requested").Next(this.endorse)
    )
    endorse = (
        InclusiveSplit()
        .Next(
            this.endorse_grading,
            lambda activation: activation.process.needs_grading_endorsement(),
            "a change in grading",
        )
        .Next(
            this.endorse_supervisor,
            lambda activation: activation.process.needs_supervisor_endorsement(),
            "Qualified Supervisor status asked for",
        )
    )
    endorse_grading = (
        EmployerTask(flag=Flag.ENDORSE_GRADING, page="applications:endorse", page_args=(Endorsement.GRADING,))
        .Annotation(title="Employer endorses the change in grading", summary_template=CASE_SUMMARY)
        .onCreate(this.grading_endorsement_awaited)
        .Next(this.endorsed)
    )
    endorse_supervisor = (
        EmployerTask(
            flag=Flag.ENDORSE_QUALIFIED_SUPERVISOR, page="applications:endorse", page_args=(Endorsement.SUPERVISOR,)
        )
        .Annotation(title="Employer endorses Qualified Supervisor status", summary_template=CASE_SUMMARY)
        .onCreate(this.supervisor_endorsement_awaited)
        .Next(this.endorsed)
    )
    endorsed = InclusiveJoin().Next(this.verifying)

    # Verifying: automated pre-checks on Prefect, then automatically verified, a conditional hold, or a person.
    verifying = flow.Function(this.start_verifying).Annotation(title="Verifying").Next(this.pre_checks)
    pre_checks = (
        Job(jobs.run_pre_checks)
        .Annotation(title="Automated pre-checks")
        .OnError(this.verify)
        .Next(this.pre_checks_route)
    )
    pre_checks_route = (
        Switch()
        .Case(
            this.verified_automatically,
            lambda activation: activation.process.pre_checks_passed(),
            "every pre-check passed",
        )
        .Case(
            this.hold_conditionally,
            lambda activation: activation.process.pre_checks_await_hse(),
            "only the HS&E pass is missing",
        )
        .Default(this.verify)
    )
    verified_automatically = (
        flow.Function(this.verify_automatically).Annotation(title="Verified automatically").Next(this.approve)
    )
    hold_conditionally = (
        flow.Function(this.put_on_conditional_hold).Annotation(title="Conditional hold").Next(this.conditional_hold)
    )
    # Moves on when an HS&E pass recorded for the operative releases the hold.
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
        Switch()
        .Case(this.approve, lambda activation: activation.process.verified(), "verified")
        .Case(this.await_supply, lambda activation: activation.process.on_hold(), "on hold")
        .Case(this.hold_conditionally, lambda activation: activation.process.on_conditional_hold(), "conditional hold")
        .Default(this.rejected)
    )
    # Done on the employer's "supply what is missing" page.
    await_supply = (
        EmployerTask(flag=Flag.FILL_IN_APPLICATIONS, page="applications:supply")
        .Annotation(title="Employer supplies what is missing", summary_template=CASE_SUMMARY)
        .Next(this.verifying)
    )

    # Verified: a team leader approves, the card is prepared and sent.
    approve = (
        flow.View(views.ApproveView.as_view())
        .Annotation(title="Team leader approval", summary_template=CASE_SUMMARY)
        .Permission(APPROVE)
        .Next(this.approve_route)
    )
    approve_route = (
        Switch().Case(this.prepare, lambda activation: activation.process.approved(), "approved").Default(this.verify)
    )
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
    photo_path = path("application/<int:application_pk>/photo/", views.photo, name="photo")
    card_face_path = path("application/<int:application_pk>/card.pdf", views.card_face, name="card_face")

    # Waits completed by workflows.card_application.receivers.
    def payment_received(self, activation):
        """The order holding the application was paid."""

    def hse_pass_recorded(self, activation):
        """An HS&E pass released the conditional hold."""

    # Steps: each calls one domain service.
    def awaiting_endorsement(self, activation):
        services.card_application_request_endorsements(application=activation.process.application)

    def grading_endorsement_awaited(self, activation):
        services.card_application_await_endorsement(
            application=activation.process.application, which=Endorsement.GRADING
        )

    def supervisor_endorsement_awaited(self, activation):
        services.card_application_await_endorsement(
            application=activation.process.application, which=Endorsement.SUPERVISOR
        )

    def start_verifying(self, activation):
        services.card_application_start_verifying(application=activation.process.application)

    def verify_automatically(self, activation):
        services.card_application_verify_automatically(application=activation.process.application)

    def put_on_conditional_hold(self, activation):
        services.card_application_hold_conditionally(application=activation.process.application)

    def prepare_card(self, activation):
        services.card_application_prepare(application=activation.process.application)

    # While the pre-checks wait as an incident (workflows.incidents), the employer's page says what is happening.
    def automated_step_failed(self, process):
        services.card_application_note_pre_checks(application=process.application, progress="delayed")

    def automated_step_retried(self, process):
        services.card_application_note_pre_checks(application=process.application, progress="retrying")

    def automated_step_sent_to_manual(self, process):
        services.card_application_note_pre_checks(application=process.application, progress="by_hand")
