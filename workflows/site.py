"""The back office: viewflow's frontend for JIB staff (inbox, queue, archive, process lists, charts)."""

from viewflow.urls import Site
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset

from workflows.bacs_allocation.flows import BacsAllocationFlow
from workflows.card_application.flows import CardApplicationFlow
from workflows.licence.flows import LicenceFlow

# Each process adds its FlowViewset here.
FLOW_VIEWSETS = [
    FlowViewset(LicenceFlow, icon="verified_user"),
    FlowViewset(CardApplicationFlow, icon="badge"),
    FlowViewset(BacsAllocationFlow, icon="account_balance"),
]

site = Site(
    title="ECS back office",
    viewsets=[WorkflowAppViewset(flow_viewsets=FLOW_VIEWSETS, title="Casework")],
)
