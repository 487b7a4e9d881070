"""A dashboard per process for JIB managers (like Camunda Optimize): live cases per step on the process diagram,
cycle times (p50/p90) end to end and per step, throughput per week, service-level breaches, the bottleneck ranking,
the open incidents, and for card applications the share verified automatically.

Every figure is aggregated in the database in a fixed number of queries, however many tasks there are: percentiles
with PostgreSQL's `percentile_cont`; on SQLite (the embedded default) the period's durations are read in one query
and the percentiles computed here.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Min, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from viewflow.workflow import chart
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.flow import nodes as flow_nodes
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from portal.accounts.models import JibTeam
from portal.applications.models import ApplicationEvent, CardApplication
from workflows.dashboard import service_level_days
from workflows.incidents.models import Incident

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
# A case is at a step while the step's task is waiting for a person, waiting for or running its automated work, or
# failed (an incident).
LIVE = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED, STATUS.ERROR]


def dashboard_flows() -> list:
    """Every process of the back office (each registers its viewset in workflows.site), in menu order."""
    from workflows.site import FLOW_VIEWSETS

    return [viewset._flow_class for viewset in FLOW_VIEWSETS]


def flow_by_label(label: str):
    return next((flow for flow in dashboard_flows() if flow.instance.flow_label == label), None)


class PercentileSeconds(Aggregate):
    """PostgreSQL: the `fraction` percentile (continuous) of a duration, in seconds."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """The continuous percentile as PostgreSQL's percentile_cont computes it (linear interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _duration():
    return ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())


def _seconds(value) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def step_kind(node) -> str:
    """Where time is spent: "person" (a JIB task), "employer" (the employer's task), "automated" (a job), "waiting"
    (for a fact from outside, such as a payment); "" for the steps that take no time (gateways, functions)."""
    if isinstance(node, flow_nodes.Handle):
        return "waiting"
    task_type = getattr(node, "task_type", "")
    if task_type == "JOB":
        return "automated"
    if task_type == "HUMAN":
        permission = getattr(node, "_owner_permission", None)
        return "person" if isinstance(permission, str) and permission.startswith("workflow_") else "employer"
    return ""


def team_permissions(team: str) -> set[str]:
    """The task permissions ("app_label.codename") a JIB team holds (one query)."""
    rows = Permission.objects.filter(group__name=team).values_list("content_type__app_label", "codename")
    return {f"{app}.{code}" for app, code in rows}


@dataclass
class Step:
    node: object
    ref: str
    title: str
    kind: str  # see step_kind
    team_permission: str | None
    service_level_days: int | None
    live: int = 0
    live_late: int = 0
    oldest: datetime | None = None
    finished: int = 0
    p50: float | None = None
    p90: float | None = None
    total: float = 0.0  # seconds spent at the step by the period's finished tasks
    breaches: int = 0  # finished tasks of the period that took longer than the service level
    incidents: int = 0
    heat: int = 0  # 0..5, the live count against the busiest step
    share: float = 0.0  # of the time spent in the period


@dataclass
class FlowDashboard:
    flow: object
    label: str
    title: str
    days: int
    team: str
    since: datetime
    now: datetime
    steps: list[Step]
    end_to_end: dict
    weeks: list[dict]
    incidents: int
    auto_verified: dict | None
    bottlenecks: list[Step] = field(default_factory=list)
    live_total: int = 0
    live_late: int = 0
    figures_at: datetime | None = None  # when the period's history figures were computed


def _steps(flow, *, team: str, allowed: set[str] | None) -> list[Step]:
    levels = service_level_days()
    steps = []
    ordered, _ = chart.topsort(flow)
    for node in ordered:
        kind = step_kind(node)
        if not kind:
            continue
        permission = getattr(node, "_owner_permission", None)
        if allowed is not None and (kind != "person" or permission not in allowed):
            continue
        steps.append(
            Step(
                node=node,
                ref=get_task_ref(node),
                title=str(node.task_title or node.name),
                kind=kind,
                team_permission=permission if isinstance(permission, str) else None,
                service_level_days=levels.get(get_task_ref(node)),
            )
        )
    return steps


def _late(steps: list[Step], *, now: datetime, finished: bool) -> Q:
    """Tasks over their step's service level: open ones created before the limit, or finished ones that took
    longer."""
    late = Q(pk__in=[])
    for step in steps:
        if step.service_level_days is None:
            continue
        limit = timedelta(days=step.service_level_days)
        if finished:
            late |= Q(flow_task=step.ref, finished__gt=F("created") + limit)
        else:
            late |= Q(flow_task=step.ref, created__lt=now - limit)
    return late


def _live(flow, steps: list[Step], now: datetime) -> None:
    by_ref = {step.ref: step for step in steps}
    rows = (
        Task.objects.filter(status__in=LIVE, flow_task__in=list(by_ref))
        .order_by()
        .values("flow_task")
        .annotate(n=Count("pk"), late=Count("pk", filter=_late(steps, now=now, finished=False)), oldest=Min("created"))
    )
    for row in rows:
        step = by_ref.get(get_task_ref(row["flow_task"])) if row["flow_task"] else None
        if step is not None:
            step.live, step.live_late, step.oldest = row["n"], row["late"], row["oldest"]


def _durations(flow, steps: list[Step], since: datetime) -> dict[str, dict]:
    """Per step (by reference): tasks finished in the period, their median and 90th percentile time, the time spent
    in all, and how many took longer than the service level (one query)."""
    by_ref = {step.ref: step for step in steps}
    found: dict[str, dict] = {}
    finished = Task.objects.filter(
        flow_task__in=list(by_ref), status=STATUS.DONE, finished__gte=since, finished__isnull=False
    ).order_by()
    if _postgres():
        rows = finished.values("flow_task").annotate(
            n=Count("pk"),
            p50=PercentileSeconds(_duration(), 0.5),
            p90=PercentileSeconds(_duration(), 0.9),
            total=Sum(_duration()),
            breaches=Count("pk", filter=_late(steps, now=since, finished=True)),
        )
        for row in rows:
            if row["flow_task"] is not None:
                found[get_task_ref(row["flow_task"])] = {
                    "finished": row["n"],
                    "p50": row["p50"],
                    "p90": row["p90"],
                    "total": _seconds(row["total"]) or 0.0,
                    "breaches": row["breaches"],
                }
        return found
    seconds: dict[str, list[float]] = {}
    for node, created, ended in finished.values_list("flow_task", "created", "finished"):
        if node is not None:
            seconds.setdefault(get_task_ref(node), []).append((ended - created).total_seconds())
    for ref, values in seconds.items():
        step = by_ref[ref]
        limit = step.service_level_days * 86400 if step.service_level_days is not None else None
        found[ref] = {
            "finished": len(values),
            "p50": percentile(values, 0.5),
            "p90": percentile(values, 0.9),
            "total": sum(values),
            "breaches": sum(1 for value in values if limit is not None and value > limit),
        }
    return found


def _end_to_end(flow, since: datetime) -> dict:
    done = Process.objects.filter(flow_class=flow, status=PROCESS.DONE, finished__gte=since).order_by()
    if _postgres():
        row = done.aggregate(
            n=Count("pk"), p50=PercentileSeconds(_duration(), 0.5), p90=PercentileSeconds(_duration(), 0.9)
        )
        return {"finished": row["n"], "p50": row["p50"], "p90": row["p90"]}
    values = [(ended - created).total_seconds() for created, ended in done.values_list("created", "finished")]
    return {"finished": len(values), "p50": percentile(values, 0.5), "p90": percentile(values, 0.9)}


def _weeks(flow, since: datetime, now: datetime) -> list[dict]:
    """Cases started and finished per week (Monday to Sunday) in the period, oldest first, empty weeks included."""
    started = dict(
        Process.objects.filter(flow_class=flow, created__gte=since)
        .order_by()
        .annotate(week=TruncWeek("created"))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    finished = dict(
        Process.objects.filter(flow_class=flow, status=PROCESS.DONE, finished__gte=since)
        .order_by()
        .annotate(week=TruncWeek("finished"))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )

    def monday(value) -> datetime:
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)

    started = {monday(k).date(): v for k, v in started.items()}
    finished = {monday(k).date(): v for k, v in finished.items()}
    weeks, week = [], monday(since).date()
    while week <= now.date():
        weeks.append({"week": week, "started": started.get(week, 0), "finished": finished.get(week, 0)})
        week += timedelta(days=7)
    return weeks


def _incidents(flow, steps: list[Step]) -> int:
    by_ref = {step.ref: step for step in steps}
    rows = (
        Incident.objects.filter(flow_class=get_flow_ref(flow), resolved_at__isnull=True)
        .order_by()
        .values("flow_task")
        .annotate(n=Count("pk"))
    )
    total = 0
    for row in rows:
        total += row["n"]
        if row["flow_task"] in by_ref:
            by_ref[row["flow_task"]].incidents = row["n"]
    return total


def _auto_verified(since: datetime) -> dict:
    """Card applications verified in the period, and how many of them the pre-checks verified with no person."""
    row = ApplicationEvent.objects.filter(to_status=CardApplication.Status.VERIFIED, at__gte=since).aggregate(
        verified=Count("application", distinct=True),
        automatically=Count("application", filter=Q(actor__isnull=True), distinct=True),
    )
    verified, automatic = row["verified"], row["automatically"]
    return {
        "verified": verified,
        "automatically": automatic,
        "by_hand": verified - automatic,
        "share": round(100 * automatic / verified) if verified else None,
    }


def history_figures(*, flow, days: int, now: datetime) -> dict:
    """The figures of `flow` over the `days` before `now` that read the period's history (every step, every team):
    per-step durations and breaches, end-to-end cycle time, weeks, the share verified automatically. JSON-ready."""
    from workflows.card_application.flows import CardApplicationFlow

    since = now - timedelta(days=days)
    steps = _steps(flow, team="", allowed=None)
    return {
        "computed_at": now.isoformat(),
        "steps": _durations(flow, steps, since),
        "end_to_end": _end_to_end(flow, since),
        "weeks": [{**week, "week": week["week"].isoformat()} for week in _weeks(flow, since, now)],
        "auto_verified": _auto_verified(since) if flow is CardApplicationFlow else None,
    }


def flow_figures_refresh(*, flow, days: int, now: datetime | None = None) -> dict:
    """Compute the period's history figures of `flow` and keep them (workflows.insights.FlowFigures)."""
    from workflows.insights.models import FlowFigures

    now = now or timezone.now()
    figures = history_figures(flow=flow, days=days, now=now)
    FlowFigures.objects.update_or_create(
        flow_class=get_flow_ref(flow), days=days, defaults={"computed_at": now, "figures": figures}
    )
    return figures


def flow_figures_refresh_all() -> int:
    """Every process over every period (the scheduled flow in tasks/dashboards.py). Returns how many were kept."""
    now = timezone.now()
    count = 0
    for flow in dashboard_flows():
        for days in PERIODS:
            flow_figures_refresh(flow=flow, days=days, now=now)
            count += 1
    return count


# How old the kept figures may be before a page computes them again itself (the schedule refreshes them sooner).
FIGURES_MAX_AGE = timedelta(minutes=15)


def _kept_figures(flow, days: int, now: datetime) -> dict:
    from workflows.insights.models import FlowFigures

    kept = FlowFigures.objects.filter(flow_class=get_flow_ref(flow), days=days).values("computed_at", "figures").first()
    if kept is not None and now - FIGURES_MAX_AGE <= kept["computed_at"] <= now:
        return kept["figures"]
    return flow_figures_refresh(flow=flow, days=days, now=now)


def flow_dashboard(
    *, flow, days: int = DEFAULT_PERIOD, team: str = "", now: datetime | None = None, fresh: bool = False
) -> FlowDashboard:
    """The figures of one process over the last `days` days; `team` narrows the steps to those the team works.

    What is live (cases at each step, open incidents) is counted now; the period's history is read from the figures
    kept by the schedule (at most FIGURES_MAX_AGE old), or computed now when there are none or `fresh`."""
    now = now or timezone.now()
    days = days if days in PERIODS else DEFAULT_PERIOD
    team = team if team in JibTeam.values else ""
    since = now - timedelta(days=days)
    allowed = team_permissions(team) if team else None
    steps = _steps(flow, team=team, allowed=allowed)
    _live(flow, steps, now)
    history = flow_figures_refresh(flow=flow, days=days, now=now) if fresh else _kept_figures(flow, days, now)
    for step in steps:
        for key, value in (history["steps"].get(step.ref) or {}).items():
            setattr(step, key, value)
    incidents = _incidents(flow, steps)
    busiest = max((step.live for step in steps), default=0)
    spent = sum(step.total for step in steps)
    for step in steps:
        step.heat = math.ceil(5 * step.live / busiest) if busiest and step.live else 0
        step.share = round(100 * step.total / spent) if spent else 0
    bottlenecks = sorted((s for s in steps if s.total), key=lambda s: s.total, reverse=True)
    weeks = [{**week, "week": date.fromisoformat(week["week"])} for week in history["weeks"]]
    return FlowDashboard(
        flow=flow,
        label=flow.instance.flow_label,
        title=str(flow.process_title),
        days=days,
        team=team,
        since=since,
        now=now,
        steps=steps,
        end_to_end=dict(history["end_to_end"]),
        weeks=weeks,
        incidents=incidents,
        auto_verified=dict(history["auto_verified"]) if history["auto_verified"] else None,
        bottlenecks=bottlenecks,
        live_total=sum(step.live for step in steps),
        live_late=sum(step.live_late for step in steps),
        figures_at=datetime.fromisoformat(history["computed_at"]),
    )
