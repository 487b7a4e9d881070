from viewflow import this
from viewflow.workflow import flow

from portal.accounts.access import FINANCE_TEAMS
from workflows.bacs_allocation import views
from workflows.bacs_allocation.models import BacsAllocationProcess
from workflows.common.flows import JibCasework

ALLOCATE = "workflow_bacs_allocation.allocate_bacs_transfer"
CASE_SUMMARY = (
    "{% if process.transfer %}{{ process.transfer.posted_on|date:'d/m/Y' }} {{ process.transfer.description }}"
    "{% else %}Statement {{ process.statement.name }}{% endif %}"
)


class BacsAllocationFlow(JibCasework, flow.Flow):
    """BACS transfers: the finance team imports a bank statement (matched automatically by ECS reference); each
    transfer the import cannot settle (unknown reference, over- or under-paid) is a task for the finance team."""

    jib_teams = FINANCE_TEAMS

    process_class = BacsAllocationProcess
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

    # One per transfer left to a person (started by workflows.bacs_allocation.receivers).
    start = flow.StartHandle(this.start_process).Next(this.allocate)
    allocate = (
        flow.View(views.AllocateView.as_view())
        .Annotation(title="Allocate the BACS transfer", summary_template=CASE_SUMMARY)
        .Permission(ALLOCATE)
        .Next(this.allocated)
    )
    allocated = flow.End()
