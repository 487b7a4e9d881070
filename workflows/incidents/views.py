"""The incidents pages: the open incidents of the processes a person works, one incident with its history, and
the two actions (run again, send to manual checking)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from viewflow.workflow.fields import get_flow_ref, import_flow_by_ref

from portal.accounts.access import require_jib_team
from workflows.incidents import selectors, services
from workflows.incidents.models import Incident

PAGE_SIZE = 50


def _all_teams() -> tuple[str, ...]:
    return tuple({team for flow in selectors.incident_flows() for team in flow.jib_teams})


def case_url(incident: Incident) -> str:
    """The case's page in the back office (built without a query)."""
    try:
        flow = import_flow_by_ref(incident.flow_class)
        return flow.instance.reverse("process_detail", kwargs={"process_pk": incident.process_id})
    except Exception:  # a process that is no longer in the back office
        return ""


def _fetch(user, pk: int) -> Incident:
    """The incident, for a person in a team that works its process: 404 if there is none, 403 for other teams."""
    incident = get_object_or_404(Incident.objects.select_related("resolved_by"), pk=pk)
    try:
        flow = import_flow_by_ref(incident.flow_class)
    except Exception:
        raise Http404 from None
    require_jib_team(user, *flow.jib_teams)
    return incident


@login_required
def incident_list(request):
    require_jib_team(request.user, *_all_teams())
    flows = selectors.incident_flows_for(request.user)
    by_ref = {get_flow_ref(flow): flow for flow in flows}
    chosen = by_ref.get(request.GET.get("process", ""))
    state = "resolved" if request.GET.get("state") == "resolved" else "open"
    incidents = selectors.incidents_for(user=request.user, open_only=state == "open", flow_class=chosen)
    if state == "resolved":
        incidents = incidents.filter(resolved_at__isnull=False).select_related("resolved_by")
    step = request.GET.get("step", "")
    if step:
        incidents = incidents.filter(flow_task=step)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    prefixes: dict[str, str] = {}  # one reverse per process, not per row
    for incident in rows:
        if incident.flow_class not in prefixes:
            sample = case_url(Incident(flow_class=incident.flow_class, process_id=999999999))
            prefixes[incident.flow_class] = sample.replace("999999999", "{}") if sample else ""
        prefix = prefixes[incident.flow_class]
        incident.case_url = prefix.format(incident.process_id) if prefix else ""
    counts = selectors.incidents_open_count()
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "incidents": rows,
            "state": state,
            "processes": [
                {"ref": ref, "title": flow.process_title, "open": counts.get(ref, 0), "chosen": flow is chosen}
                for ref, flow in by_ref.items()
            ],
            "chosen": chosen,
            "step": step,
            "open_total": sum(counts.get(ref, 0) for ref in by_ref),
        },
    )


@login_required
def incident_detail(request, pk: int):
    incident = _fetch(request.user, pk)
    incident.case_url = case_url(incident)
    return render(
        request,
        "incidents/detail.html",
        {"incident": incident, "events": incident.events.select_related("actor")},
    )


def _act(request, pk: int, service, done: str):
    incident = _fetch(request.user, pk)
    try:
        service(incident=incident, actor=request.user)
    except services.IncidentError as exc:
        messages.error(request, str(exc))
        return redirect("incidents:detail", pk=incident.pk)
    messages.success(request, done.format(case=incident.case))
    return redirect("incidents:list")


@login_required
@require_POST
def incident_retry(request, pk: int):
    return _act(request, pk, services.incident_retry, "The step is running again for {case}.")


@login_required
@require_POST
def incident_send_to_manual(request, pk: int):
    return _act(request, pk, services.incident_send_to_manual, "{case} has gone to manual checking.")


MAX_AT_ONCE = 100


@login_required
@require_POST
def incident_retry_many(request):
    """Run the chosen failed steps again (say, once the outside service answers again), each as one action."""
    ids = [int(value) for value in request.POST.getlist("incident") if value.isdigit()][:MAX_AT_ONCE]
    if not ids:
        messages.error(request, "Choose the incidents to run again.")
        return redirect("incidents:list")
    done, refused = 0, []
    for pk in ids:
        incident = _fetch(request.user, pk)
        try:
            services.incident_retry(incident=incident, actor=request.user)
            done += 1
        except services.IncidentError as exc:
            refused.append(f"{incident.case}: {exc}")
    if done:
        messages.success(request, f"{done} step{'' if done == 1 else 's'} running again.")
    for reason in refused:
        messages.error(request, reason)
    return redirect("incidents:list")
