"""The back office: viewflow's frontend for JIB staff (inbox, queue, archive, process lists, charts)."""

from functools import wraps

from django.shortcuts import render
from django.urls import URLResolver, path
from django.views.generic import RedirectView
from viewflow.urls import Application, Site
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset
from viewflow.workflow.flow.views import FlowChartView

from portal.accounts.access import is_case_manager, require_jib_team
from workflows.assessment_booking.flows import AssessmentBookingFlow
from workflows.bacs_allocation.flows import BacsAllocationFlow
from workflows.card_application.flows import CardApplicationFlow
from workflows.contract_setup.flows import ContractSetupFlow, InvitationFlow
from workflows.licence.flows import LicenceFlow


def _teams_only(view, teams):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        require_jib_team(request.user, *teams)
        return view(request, *args, **kwargs)

    return guarded


class CaseworkChartView(FlowChartView):
    """The process chart on a back-office page; the picture itself with ?format=svg, BPMN with ?format=bpmn."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") in ("svg", "bpmn"):
            return super().get(request, *args, **kwargs)
        process = None
        if "process_pk" in kwargs:
            process = self.flow_class.process_class.objects.filter(flow_class=self.flow_class, pk=kwargs["process_pk"])
            process = process.first()
        return render(request, "viewflow/workflow/chart.html", {"flow_class": self.flow_class, "process": process})


class CaseworkViewset(FlowViewset):
    """A process's pages (dashboard, lists, cases, tasks, charts, files): each opens only for the process's teams
    (`flow.jib_teams`), 403 for anyone else before anything is fetched."""

    chart_view_class = CaseworkChartView

    def _get_urls(self):
        patterns = super()._get_urls()
        self._guard(patterns, self._flow_class.jib_teams)
        return patterns

    def _guard(self, patterns, teams) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                self._guard(entry.url_patterns, teams)
            else:
                entry.callback = _teams_only(entry.callback, teams)


# Each process adds its viewset here.
FLOW_VIEWSETS = [
    CaseworkViewset(LicenceFlow, icon="verified_user"),
    CaseworkViewset(CardApplicationFlow, icon="badge"),
    CaseworkViewset(BacsAllocationFlow, icon="account_balance"),
    CaseworkViewset(AssessmentBookingFlow, icon="quiz"),
    CaseworkViewset(ContractSetupFlow, icon="handshake"),
    CaseworkViewset(InvitationFlow, icon="outgoing_mail"),
]


class DashboardApplication(Application):
    """The casework dashboard's entry in the back-office menu, for team leaders and managers."""

    title = "Casework dashboard"
    icon = "monitoring"
    index_path = path("", RedirectView.as_view(pattern_name="casework_dashboard"), name="index")

    def permission(self, user) -> bool:
        return is_case_manager(user)


class BackOffice(Site):
    """The back office opens on the reader's own work (workflows/tasklist)."""

    index_path = path("", RedirectView.as_view(pattern_name="tasklist:my_work"), name="index")


site = BackOffice(
    title="ECS back office",
    viewsets=[WorkflowAppViewset(flow_viewsets=FLOW_VIEWSETS, title="Casework"), DashboardApplication()],
)
