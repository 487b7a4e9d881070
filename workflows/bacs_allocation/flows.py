from viewflow import this
from viewflow.workflow import flow, lock

from portal.accounts.models import JibTeam
from portal.accounts.services import in_teams
from workflows.bacs_allocation import views
from workflows.bacs_allocation.models import BacsAllocationProcess

ALLOCATE = "workflow_bacs_allocation.allocate_bacs_transfer"
CASE_SUMMARY = (
    "{% if process.transfer %}{{ process.transfer.posted_on|date:'d/m/Y' }} {{ process.transfer.description }}"
    "{% else %}Statement {{ process.statement.name }}{% endif %}"
)


class BacsAllocationFlow(flow.Flow):
    """BACS transfers: the finance team imports a bank statement (matched automatically by ECS reference); each
    transfer the import cannot settle (unknown reference, over- or under-paid) is a task for the finance team."""

    process_class = BacsAllocationProcess
    lock_impl = lock.select_for_update_lock
    process_title = "BACS allocation"
    process_summary_template = CASE_SUMMARY

    # The finance team uploads a statement from the back office.
    import_statement = (
        flow.Start(views.ImportStatementView.as_view())
        .Annotation(title="Import a bank statement")
        .Permission(ALLOCATE)
        .Next(this.imported)
    )
    imported = flow.End()

    # One per transfer left to a person (started by portal.orders.services.bank_statement_import).
    start = flow.StartHandle(this.start_process).Next(this.allocate)
    allocate = (
        flow.View(views.AllocateView.as_view())
        .Annotation(title="Allocate the BACS transfer", summary_template=CASE_SUMMARY)
        .Permission(ALLOCATE)
        .Next(this.allocated)
    )
    allocated = flow.End()

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user.is_jib_staff

    def has_manage_permission(self, user, obj=None):
        return user.is_authenticated and user.is_jib_staff and in_teams(user, JibTeam.TEAM_LEADER, JibTeam.MANAGER)

    def start_process(self, activation, transfer):
        activation.process.artifact = transfer
        activation.process.save()
