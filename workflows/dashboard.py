"""The casework dashboard for JIB team leaders and managers: what is waiting where, and for how long.

Every figure is aggregated in the database, so the dashboard costs the same few queries however many cases there
are: one for the card application stages, one for recent outcomes, one for the open human tasks.
"""

from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.applications.models import ApplicationEvent, CardApplication
from workflows.bacs_allocation.flows import BacsAllocationFlow
from workflows.card_application.flows import CardApplicationFlow
from workflows.licence.flows import LicenceFlow

Status = CardApplication.Status

# Service levels: how many calendar days a person's task may wait, from when it was created, before it is late.
# Verification's 5 working days count as 7 calendar days.
SERVICE_LEVEL_DAYS = {
    CardApplicationFlow.verify: 7,
    CardApplicationFlow.approve: 2,
    CardApplicationFlow.dispatch: 2,
    LicenceFlow.check_manually: 10,
    LicenceFlow.verify: 10,
    LicenceFlow.set_up_offices: 10,
    BacsAllocationFlow.allocate: 10,
}


def service_level_days(node) -> int | None:
    """How many calendar days a person's task at `node` may wait before it is late (None: not measured)."""
    return SERVICE_LEVEL_DAYS.get(node)


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
    late = Q(pk__in=[])
    for node, days in SERVICE_LEVEL_DAYS.items():
        late |= Q(flow_task=get_task_ref(node), created__lt=now - timedelta(days=days))
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
        days = SERVICE_LEVEL_DAYS.get(node)
        order = (flow_order.get(node.flow_class, len(FLOWS)), node.flow_class.process_title, node.task_title)
        ordered.append(
            (
                order,
                {
                    "process": node.flow_class.process_title,
                    "task": node.task_title,
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
    every process against their service levels (SERVICE_LEVEL_DAYS)."""
    now = now or timezone.now()
    tasks = _tasks(now)
    return {
        "now": now,
        "stages": _stages(now),
        "outcomes": _outcomes(now),
        "outcome_windows": OUTCOME_WINDOWS,
        "tasks": tasks,
        "late_tasks": sum(task["late"] or 0 for task in tasks),
    }
