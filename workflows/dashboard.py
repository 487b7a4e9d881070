"""The casework dashboard for JIB team leaders and managers: what is waiting where, and for how long.

Every figure is aggregated in the database, so the dashboard costs the same few queries however many cases there
are: one for the card application stages, one for recent outcomes, one for the service levels, one for the open
human tasks, one for the open incidents.
"""

from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.applications.models import ApplicationEvent, CardApplication
from workflows.bacs_allocation.flows import BacsAllocationFlow
from workflows.card_application.flows import CardApplicationFlow
from workflows.incidents.selectors import incidents_open_count
from workflows.licence.flows import LicenceFlow
from workflows.tasklist.selectors import service_levels

Status = CardApplication.Status


def service_level_days() -> dict[str, int]:
    """How many calendar days a person's task at each step may wait, from when it was created, before it is late:
    viewflow's reference of the step -> days (one query). The reference data is workflows.tasklist's ServiceLevel,
    editable in the admin; a step without one is not measured."""
    return {ref: allowed.days for ref, allowed in service_levels().items()}


# The processes, in the order the dashboard lists them.
FLOWS = [LicenceFlow, CardApplicationFlow, BacsAllocationFlow]
OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
OUTCOME_WINDOWS = (7, 30)


def _stages(now: datetime) -> list[dict]:
    last_event = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(last=Max("at"))
        .values("last")
    )
    rows = (
        CardApplication.objects.filter(status__in=CardApplication.JIB_STAGES)
        .order_by()
        .values("status")
        .annotate(
            count=Count("pk"),
            oldest=Min(Coalesce(Subquery(last_event, output_field=DateTimeField()), "updated_at")),
        )
    )
    by_status = {row["status"]: row for row in rows}
    stages = []
    for status in CardApplication.JIB_STAGES:  # in the order a case moves through them
        row = by_status.get(status, {})
        oldest = row.get("oldest")
        stages.append(
            {
                "status": status.value,
                "label": status.label,
                "count": row.get("count", 0),
                "oldest": oldest,
                "oldest_days": (now - oldest).days if oldest else None,
            }
        )
    return stages


def _outcomes(now: datetime) -> list[dict]:
    """Applications dispatched and rejected within the last 7 and 30 days (by the event that closed them)."""
    aggregates = {}
    for status in (Status.DISPATCHED, Status.REJECTED):
        for days in OUTCOME_WINDOWS:
            aggregates[f"{status.value}_{days}"] = Count(
                "application", filter=Q(to_status=status, at__gte=now - timedelta(days=days)), distinct=True
            )
    totals = ApplicationEvent.objects.filter(
        to_status__in=[Status.DISPATCHED, Status.REJECTED], at__gte=now - timedelta(days=max(OUTCOME_WINDOWS))
    ).aggregate(**aggregates)
    return [
        {
            "status": status.value,
            "label": status.label,
            **{f"last_{d}": totals[f"{status.value}_{d}"] for d in OUTCOME_WINDOWS},
        }
        for status in (Status.DISPATCHED, Status.REJECTED)
    ]


def _tasks(now: datetime) -> list[dict]:
    """Open tasks for a person, by process and task: how many, assigned or not, the oldest, how many are late."""
    levels = service_level_days()
    late = Q(pk__in=[])
    for ref, days in sorted(levels.items()):
        late |= Q(flow_task=ref, created__lt=now - timedelta(days=days))
    rows = (
        Task.objects.filter(status__in=OPEN_TASK, flow_task_type="HUMAN")
        .order_by()
        .values("flow_task")
        .annotate(
            count=Count("pk"),
            assigned=Count("pk", filter=Q(owner__isnull=False)),
            oldest=Min("created"),
            late=Count("pk", filter=late),
        )
    )
    flow_order = {flow: index for index, flow in enumerate(FLOWS)}
    ordered = []
    for row in rows:
        node = row["flow_task"]
        if node is None:  # a task of a node that no longer exists
            continue
        days = levels.get(get_task_ref(node))
        order = (flow_order.get(node.flow_class, len(FLOWS)), node.flow_class.process_title, node.task_title)
        ordered.append(
            (
                order,
                {
                    "process": node.flow_class.process_title,
                    "task": node.task_title,
                    "cases_url": reverse("dashboards:cases", args=[node.flow_class.instance.flow_label])
                    + f"?state=live&step={node.name}",
                    "late_url": reverse("dashboards:cases", args=[node.flow_class.instance.flow_label])
                    + f"?state=late&step={node.name}",
                    "count": row["count"],
                    "assigned": row["assigned"],
                    "unassigned": row["count"] - row["assigned"],
                    "oldest": row["oldest"],
                    "oldest_days": (now - row["oldest"]).days,
                    "service_level_days": days,
                    "late": row["late"] if days is not None else None,
                },
            )
        )
    return [task for _, task in sorted(ordered, key=lambda pair: pair[0])]


def casework_dashboard(*, now: datetime | None = None) -> dict:
    """Card applications per JIB stage with the age of the oldest, recent outcomes, and the open human tasks of
    every process against their service levels (workflows.tasklist's ServiceLevel), the open incidents, and a link
    to each process's own dashboard."""
    now = now or timezone.now()
    tasks = _tasks(now)
    incidents = incidents_open_count()
    return {
        "flows": [
            {
                "title": flow.process_title,
                "url": reverse("dashboards:flow", args=[flow.instance.flow_label]),
                "incidents": incidents.get(get_flow_ref(flow), 0),
                "incidents_url": reverse("incidents:list") + "?" + urlencode({"process": get_flow_ref(flow)}),
            }
            for flow in FLOWS
        ],
        "incidents": sum(incidents.values()),
        "now": now,
        "stages": _stages(now),
        "outcomes": _outcomes(now),
        "outcome_windows": OUTCOME_WINDOWS,
        "tasks": tasks,
        "late_tasks": sum(task["late"] or 0 for task in tasks),
    }
