import csv
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from viewflow.workflow.base import Node
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from portal.accounts.access import CASE_MANAGERS, require_jib_team
from portal.accounts.models import JibTeam
from workflows import flow_dashboard as figures
from workflows.dashboard import casework_dashboard
from workflows.heatmap import heatmap

PAGE_SIZE = 50


@login_required
def casework_dashboard_view(request):
    """What is waiting where, and for how long: for JIB team leaders and managers."""
    require_jib_team(request.user, *CASE_MANAGERS)
    return render(request, "backoffice/dashboard.html", casework_dashboard())


def _flow(label: str):
    flow = figures.flow_by_label(label)
    if flow is None:
        raise Http404("No such process.")
    return flow


def duration_words(seconds: float | None) -> str:
    """ "2 days 4 hours", "35 minutes", "under a minute"; "–" when there is nothing to measure."""
    if seconds is None:
        return "–"
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def unit(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute")


def _cases_url(label: str, **query) -> str:
    return reverse("dashboards:cases", args=[label]) + "?" + urlencode({k: v for k, v in query.items() if v != ""})


@login_required
def flow_dashboard_view(request, label: str):
    """One process: live cases on its diagram, cycle times, throughput, breaches, bottlenecks; CSV with ?format=csv."""
    require_jib_team(request.user, *CASE_MANAGERS)
    flow = _flow(label)
    try:
        days = int(request.GET.get("days", figures.DEFAULT_PERIOD))
    except ValueError:
        days = figures.DEFAULT_PERIOD
    board = figures.flow_dashboard(flow=flow, days=days, team=request.GET.get("team", ""))
    for step in board.steps:
        common = {"step": step.node.name, "days": board.days}
        step.live_url = _cases_url(label, state="live", **common)
        step.late_url = _cases_url(label, state="late", **common)
        step.finished_url = _cases_url(label, state="finished", **common)
        step.breach_url = _cases_url(label, state="breached", **common)
        step.p50_words, step.p90_words = duration_words(step.p50), duration_words(step.p90)
        step.total_words = duration_words(step.total) if step.total else "–"
    if request.GET.get("format") == "csv":
        return _csv(board)
    for week in board.weeks:
        week["started_url"] = _cases_url(label, state="started_week", week=week["week"].isoformat())
        week["finished_url"] = _cases_url(label, state="finished_week", week=week["week"].isoformat())
    end = board.end_to_end
    end["p50_words"], end["p90_words"] = duration_words(end["p50"]), duration_words(end["p90"])
    end["url"] = _cases_url(label, state="done", days=board.days)
    auto = board.auto_verified
    if auto is not None:
        auto["url"] = _cases_url(label, state="finished", step="verified_automatically", days=board.days)
        auto["by_hand_url"] = _cases_url(label, state="finished", step="verify", days=board.days)
    return render(
        request,
        "backoffice/dashboard_flow.html",
        {
            "board": board,
            "heatmap": heatmap(board),
            "periods": figures.PERIODS,
            "teams": JibTeam.choices,
            "flows": [(f.instance.flow_label, f.process_title) for f in figures.dashboard_flows()],
            "csv_url": "?" + urlencode({"days": board.days, "team": board.team, "format": "csv"}),
            "incidents_url": reverse("incidents:list") + "?" + urlencode({"process": _flow_ref(flow)}),
            "max_weekly": max([w["finished"] for w in board.weeks] + [w["started"] for w in board.weeks] + [1]),
        },
    )


def _flow_ref(flow) -> str:
    return get_flow_ref(flow)


def _csv(board) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{board.label}-{board.days}-days{'-' + board.team if board.team else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Step",
            "Kind",
            "Cases at the step now",
            "Of them over the service level",
            "Finished in the period",
            "Median time (hours)",
            "90th percentile (hours)",
            "Time spent (hours)",
            "Share of the time spent (%)",
            "Finished over the service level",
            "Service level (days)",
            "Open incidents",
        ]
    )

    def hours(seconds):
        return "" if seconds is None else f"{seconds / 3600:.1f}"

    for step in board.steps:
        writer.writerow(
            [
                step.title,
                step.kind,
                step.live,
                step.live_late,
                step.finished,
                hours(step.p50),
                hours(step.p90),
                hours(step.total),
                step.share,
                step.breaches,
                step.service_level_days or "",
                step.incidents,
            ]
        )
    end = board.end_to_end
    writer.writerow(
        ["End to end", "", "", "", end["finished"], hours(end["p50"]), hours(end["p90"]), "", "", "", "", ""]
    )
    return response


def case_labels(processes) -> dict[int, str]:
    """How people name each process's case (its record's reference, such as the application's), one query per kind
    of record however many rows."""
    by_kind: dict[int, list[int]] = {}
    for process in processes:
        if process.artifact_content_type_id and process.artifact_object_id:
            by_kind.setdefault(process.artifact_content_type_id, []).append(process.artifact_object_id)
    records = {}
    for kind_id, ids in by_kind.items():
        model = ContentType.objects.get_for_id(kind_id).model_class()
        if model is not None:
            for pk, record in model._default_manager.in_bulk(ids).items():
                records[(kind_id, pk)] = getattr(record, "reference", "") or ""
    return {
        process.pk: records.get((process.artifact_content_type_id, process.artifact_object_id), "")
        for process in processes
    }


STATES = {
    "live": "at the step now",
    "late": "at the step now, over the service level",
    "finished": "finished at the step in the period",
    "breached": "finished at the step in the period, over the service level",
    "done": "finished end to end in the period",
    "started_week": "started in the week",
    "finished_week": "finished in the week",
}


@login_required
def flow_cases_view(request, label: str):
    """The cases behind a number of the dashboard, with the same filters."""
    require_jib_team(request.user, *CASE_MANAGERS)
    flow = _flow(label)
    state = request.GET.get("state", "live")
    if state not in STATES:
        state = "live"
    try:
        days = int(request.GET.get("days", figures.DEFAULT_PERIOD))
    except ValueError:
        days = figures.DEFAULT_PERIOD
    days = days if days in figures.PERIODS else figures.DEFAULT_PERIOD
    now = timezone.now()
    since = now - timedelta(days=days)
    node = None
    if state in ("live", "late", "finished", "breached"):
        node = getattr(flow.instance, request.GET.get("step", ""), None)
        if not isinstance(node, Node):
            raise Http404("No such step.")
    heading = f"{flow.process_title}: {STATES[state]}"
    if node is not None:
        heading = f"{flow.process_title}, {node.task_title or node.name}: {STATES[state]}"
    if state in ("done", "started_week", "finished_week"):
        rows = Process.objects.filter(flow_class=flow).order_by("-created", "-pk")
        if state == "done":
            rows = rows.filter(status=PROCESS.DONE, finished__gte=since).order_by("-finished", "-pk")
        else:
            try:
                monday = date.fromisoformat(request.GET.get("week", ""))
            except ValueError:
                raise Http404("No such week.") from None
            start = timezone.make_aware(datetime.combine(monday, time.min))
            end = start + timedelta(days=7)
            heading += f" of {monday:%-d %b %Y}"
            if state == "started_week":
                rows = rows.filter(created__gte=start, created__lt=end)
            else:
                rows = rows.filter(status=PROCESS.DONE, finished__gte=start, finished__lt=end).order_by("-finished")
        kind = "process"
    else:
        rows = Task.objects.filter(flow_task=node).select_related("owner")
        if state in ("live", "late"):
            rows = rows.filter(status__in=figures.LIVE).order_by("created", "pk")
            sla = figures.service_level_days().get(get_task_ref(node))
            if state == "late":
                rows = rows.filter(created__lt=now - timedelta(days=sla)) if sla is not None else rows.none()
        else:
            rows = rows.filter(status=STATUS.DONE, finished__gte=since).order_by("-finished", "-pk")
            sla = figures.service_level_days().get(get_task_ref(node))
            if state == "breached":
                late = F("created") + timedelta(days=sla or 0)
                rows = rows.none() if sla is None else rows.filter(finished__gt=late)
        kind = "task"
    if kind == "task":
        rows = rows.select_related("process")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    instance = flow.instance
    labels = case_labels([item if kind == "process" else item.process for item in items])
    for item in items:
        process_pk = item.pk if kind == "process" else item.process_id
        item.case_url = instance.reverse("process_detail", kwargs={"process_pk": process_pk})
        item.case_label = labels.get(process_pk) or f"{flow.process_title} #{process_pk}"
        ended = item.finished or now
        item.took = duration_words((ended - item.created).total_seconds())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/dashboard_cases.html",
        {
            "flow": flow,
            "label": label,
            "heading": heading,
            "kind": kind,
            "state": state,
            "page": page,
            "items": items,
            "days": days,
            "query": query.urlencode(),
            "back_url": reverse("dashboards:flow", args=[label]) + f"?days={days}",
        },
    )
