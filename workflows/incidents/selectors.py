"""Reads of incidents: the open ones a person may act on, and the counts the dashboard shows."""

from django.db.models import Count, QuerySet
from viewflow.workflow.fields import get_flow_ref

from portal.accounts.access import in_jib_team
from portal.accounts.models import User
from workflows.incidents.models import Incident


def incident_flows() -> list:
    """Every process whose automated steps may fail (each process's viewset in the back office)."""
    from workflows.site import FLOW_VIEWSETS

    return [viewset._flow_class for viewset in FLOW_VIEWSETS]


def incident_flows_for(user: User) -> list:
    """The processes `user` works (their teams are among the process's `jib_teams`)."""
    return [flow for flow in incident_flows() if in_jib_team(user, *flow.jib_teams)]


def incidents_for(*, user: User, open_only: bool = True, flow_class=None) -> QuerySet[Incident]:
    """Incidents of the processes `user` works, newest first; `flow_class` narrows to one process."""
    flows = incident_flows_for(user)
    if flow_class is not None:
        flows = [flow for flow in flows if flow is flow_class]
    incidents = Incident.objects.filter(flow_class__in=[get_flow_ref(flow) for flow in flows])
    if open_only:
        incidents = incidents.filter(resolved_at__isnull=True)
    return incidents.order_by("-opened_at", "-pk")


def incident_for(*, user: User, pk: int) -> Incident:
    """One incident of a process `user` works (404 otherwise; the view has already refused other people)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(incidents_for(user=user, open_only=False), pk=pk)


def incidents_open_count() -> dict[str, int]:
    """Open incidents per process (flow reference), in one query."""
    rows = Incident.objects.filter(resolved_at__isnull=True).order_by().values("flow_class").annotate(n=Count("pk"))
    return {row["flow_class"]: row["n"] for row in rows}
