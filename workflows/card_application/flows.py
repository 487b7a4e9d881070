from viewflow import this
from viewflow.workflow import flow, lock

from portal.accounts.models import JibTeam
from portal.accounts.services import in_teams
from workflows.card_application.models import CardApplicationProcess

CASE_SUMMARY = "{{ process.application.reference }} {{ process.application.operative }}"


class CardApplicationFlow(flow.Flow):
    """Card application: the employer fills in, finalises, orders and pays; then the JIB's part."""

    process_class = CardApplicationProcess
    lock_impl = lock.select_for_update_lock
    process_title = "Card application"
    process_summary_template = CASE_SUMMARY

    start = flow.StartHandle(this.start_process).Next(this.await_payment)
    # The employer's four steps, finalising and ordering are the application's own states; the process waits
    # here until the order holding the application is paid (portal.applications.services).
    await_payment = (
        flow.Handle(this.payment_received).Annotation(title="Employer completes, orders and pays").Next(this.received)
    )
    received = flow.End()

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user.is_jib_staff

    def has_manage_permission(self, user, obj=None):
        return user.is_authenticated and user.is_jib_staff and in_teams(user, JibTeam.TEAM_LEADER, JibTeam.MANAGER)

    def start_process(self, activation, application):
        activation.process.artifact = application
        activation.process.save()

    def payment_received(self, activation):
        """Run by card_application_payment_received."""
