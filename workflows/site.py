"""The back office: viewflow's frontend for JIB staff (inbox, queue, archive, process lists, charts)."""

from django.urls import path
from django.views.generic import RedirectView
from viewflow.urls import Application, Site
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


class DashboardApplication(Application):
    """The casework dashboard's entry in the back-office menu, for team leaders and managers."""

    title = "Casework dashboard"
    icon = "monitoring"
    index_path = path("", RedirectView.as_view(pattern_name="casework_dashboard"), name="index")

    def permission(self, user) -> bool:
        from portal.accounts.services import is_case_manager

        return is_case_manager(user)


site = Site(
    title="ECS back office",
    viewsets=[WorkflowAppViewset(flow_viewsets=FLOW_VIEWSETS, title="Casework"), DashboardApplication()],
)
