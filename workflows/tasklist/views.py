"""The back office's work lists: My work, the team queues, claim / release / assign, bulk assign, saved filters.

Every view asks `portal.accounts.access` first (JIB staff only; a queue of another team is 403 unless the reader
manages cases), and every change goes through `workflows.tasklist.services` (viewflow's activations and checks)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task

from portal.accounts.access import CASE_MANAGERS, is_case_manager, require_jib_team
from portal.accounts.models import JibTeam, User
from workflows.tasklist import selectors, services
from workflows.tasklist.forms import AssignForm, BulkAssignForm, FilterForm, SaveFilterForm
from workflows.tasklist.models import SavedFilter
from workflows.tasklist.presenters import rows_for
from workflows.tasklist.queues import queues_for, steps_for, team_permissions, team_queues
from workflows.tasklist.steps import human_steps, step_title

PAGE_SIZE = 50


def _staff(request) -> None:
    require_jib_team(request.user, *JibTeam.values)


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _list_page(request, *, title, tasks_qs, steps, queue=None, queues, counts, by_step, now):
    may_bulk_assign = queue is not None and is_case_manager(request.user)
    colleagues = list(selectors.colleagues_for(steps)) if may_bulk_assign else []
    filter_form = FilterForm(request.GET or None, steps=steps, people=colleagues)
    work_filter = filter_form.work_filter() if request.GET else selectors.WorkFilter()
    tasks_qs = selectors.apply_filter(tasks_qs, work_filter, user=request.user, now=now)
    if work_filter.is_empty:  # the whole list: counted already, per step, for the queues beside it
        held = [by_step.get(ref, {}) for ref in steps]
        total_key, late_key = ("total", "overdue") if queue is not None else ("mine", "mine_overdue")
        total, late = sum(row.get(total_key, 0) for row in held), sum(row.get(late_key, 0) for row in held)
    else:
        total, late = selectors.list_counts(tasks_qs, now=now)
    paginator = Paginator(range(total), PAGE_SIZE)  # the counts are read once; the page is sliced in the database
    page = paginator.get_page(_page_number(request))
    tasks = selectors.page_of(tasks_qs, page.start_index() - 1, page.end_index(), now=now, late=late) if total else []
    rows = rows_for(tasks, user=request.user, now=now)
    bulk_form = BulkAssignForm(colleagues=colleagues)
    params = work_filter.as_params()
    saved = list(selectors.saved_filters_for(request.user))
    return render(
        request,
        "tasklist/list.html",
        {
            "title": title,
            "queue": queue,
            "queues": queues,
            "counts": counts,
            "rows": rows,
            "page": page,
            "total": total,
            "filter_form": filter_form,
            "filter_params": params,
            "filter_query": urlencode(params),
            "save_form": SaveFilterForm(user=request.user),
            "saved_filters": [_saved_row(saved_filter, request.user) for saved_filter in saved],
            "bulk_form": bulk_form,
            "may_bulk_assign": may_bulk_assign and bool(rows),
            "here": request.get_full_path(),
        },
    )


def _saved_row(saved: SavedFilter, user: User) -> dict:
    params = dict(saved.params)
    queue = params.pop("queue", "")
    base = reverse("tasklist:queue", args=[queue]) if queue else reverse("tasklist:my_work")
    return {
        "filter": saved,
        "url": f"{base}?{urlencode(params)}" if params else base,
        "shared_with": JibTeam(saved.team).label if saved.team in JibTeam.values else "",
        "by": "you" if saved.owner_id == user.pk else str(saved.owner),
        "mine": saved.owner_id == user.pk,
    }


def _queue_counts(user, queues, now, more_steps=()) -> tuple[list[dict], dict]:
    """The queues' counts, and the counts per step of their steps and `more_steps` (one grouped query)."""
    all_steps = {ref for queue in queues for ref in queue.steps} | set(more_steps)
    by_step = selectors.step_counts(steps=sorted(all_steps), user=user, now=now)
    summary = []
    for queue in queues:
        rows = [by_step.get(ref, {}) for ref in queue.steps]
        summary.append(
            {
                "queue": queue,
                "url": reverse("tasklist:queue", args=[queue.team]),
                "total": sum(row.get("total", 0) for row in rows),
                "unassigned": sum(row.get("unassigned", 0) for row in rows),
                "overdue": sum(row.get("overdue", 0) for row in rows),
            }
        )
    return summary, by_step


def my_work(request):
    """The tasks the reader holds, overdue and urgent first, with the reader's queues and their counts."""
    _staff(request)
    now = timezone.now()
    queues = queues_for(request.user, team_queues(team_permissions()))
    steps = steps_for(request.user)
    counts, by_step = _queue_counts(request.user, queues, now, more_steps=steps)
    tasks = selectors.my_work(user=request.user, steps=steps)
    return _list_page(
        request,
        title="My work",
        tasks_qs=tasks,
        steps=steps,
        queues=queues,
        counts=counts,
        by_step=by_step,
        now=now,
    )


def queues(request):
    """Every queue the reader may open, with its open, unassigned and late tasks."""
    _staff(request)
    now = timezone.now()
    mine = queues_for(request.user, team_queues(team_permissions()))
    counts, by_step = _queue_counts(request.user, mine, now)
    for entry in counts:
        entry["steps"] = [
            {"title": step_title(ref), **{k: by_step.get(ref, {}).get(k, 0) for k in ("total", "overdue")}}
            for ref in entry["queue"].steps
        ]
    return render(request, "tasklist/queues.html", {"counts": counts, "title": "Team queues"})


def queue(request, team: str):
    """One team's queue: its open tasks, held or not, overdue and urgent first."""
    _staff(request)
    all_queues = team_queues(team_permissions())
    found = next((candidate for candidate in all_queues if candidate.team == team), None)
    if found is None:
        raise Http404
    require_jib_team(request.user, found.team, *CASE_MANAGERS)
    now = timezone.now()
    visible = queues_for(request.user, all_queues)
    counts, by_step = _queue_counts(request.user, visible, now, more_steps=found.steps)
    tasks = selectors.open_tasks(steps=found.steps)
    return _list_page(
        request,
        title=f"{found.label} queue",
        tasks_qs=tasks,
        steps=list(found.steps),
        queue=found,
        queues=visible,
        counts=counts,
        by_step=by_step,
        now=now,
    )


def _task(request, pk: int) -> Task:
    """An open task of a step people work, 403 for a reader outside the process's teams."""
    _staff(request)
    task = get_object_or_404(Task.objects.select_related("process", "owner"), pk=pk, flow_task__in=list(human_steps()))
    require_jib_team(request.user, *task.flow_task.flow_class.jib_teams)
    return task


def _act(request, action, success: str, default_next: str):
    try:
        action()
    except services.TaskActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(_back(request, default_next))


@require_POST
def claim(request, pk: int):
    task = _task(request, pk)
    url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
    return _act(
        request,
        lambda: services.task_claim(task=task, user=request.user),
        f"You have taken “{step_title_of(task)}”.",
        url,
    )


@require_POST
def release(request, pk: int):
    task = _task(request, pk)
    return _act(
        request,
        lambda: services.task_release(task=task, user=request.user),
        f"“{step_title_of(task)}” is back in its queue.",
        reverse("tasklist:my_work"),
    )


def step_title_of(task: Task) -> str:
    return str(task.flow_task.task_title or task.flow_task)


def assign(request, pk: int):
    """A team leader gives one task to a named colleague (only colleagues who may work its step are offered)."""
    task = _task(request, pk)
    if not services.may_assign(request.user, task):
        raise PermissionDenied("Only team leaders and managers may assign work.")
    colleagues = list(selectors.colleagues_for([get_task_ref(task.flow_task)]))
    form = AssignForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        assignee = form.colleagues.get(form.cleaned_data["assignee"])
        try:
            services.task_assign(task=task, actor=request.user, assignee=assignee)
        except services.TaskActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"“{step_title_of(task)}” is assigned to {assignee}.")
            return HttpResponseRedirect(_back(request, reverse("tasklist:queues")))
    now = timezone.now()
    found = selectors.page_of(
        selectors.open_tasks(steps=[get_task_ref(task.flow_task)]).filter(pk=task.pk), 0, 1, now=now
    )
    if not found:
        raise Http404  # finished or cancelled meanwhile
    rows = rows_for(found, user=request.user, now=now)
    return render(
        request,
        "tasklist/assign.html",
        {"row": rows[0], "form": form, "next": _back(request, ""), "title": "Assign a task"},
    )


@require_POST
def assign_many(request):
    """A team leader gives the ticked tasks of a queue to one colleague: all of them, or none."""
    _staff(request)
    if not is_case_manager(request.user):
        raise PermissionDenied("Only team leaders and managers may assign work.")
    ids = [int(value) for value in request.POST.getlist("tasks") if value.isdigit()]
    tasks = list(Task.objects.select_related("process", "owner").filter(pk__in=ids, flow_task__in=list(human_steps())))
    steps = {get_task_ref(task.flow_task) for task in tasks}
    form = BulkAssignForm(request.POST, colleagues=list(selectors.colleagues_for(steps)), task_ids=ids)
    back = _back(request, reverse("tasklist:queues"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(back)
    assignee = form.colleagues[form.cleaned_data["assignee"]]
    try:
        services.tasks_assign(tasks=tasks, actor=request.user, assignee=assignee)
    except services.TaskActionError as error:
        messages.error(request, error.message)
    else:
        count = len(tasks)
        messages.success(request, f"{count} task{'s' if count != 1 else ''} assigned to {assignee}.")
    return HttpResponseRedirect(back)


@require_POST
def save_filter(request):
    """Keep the list's current filter under a name, for the reader or for a team they are in."""
    _staff(request)
    form = SaveFilterForm(request.POST, user=request.user)
    params = selectors.WorkFilter.from_params(request.POST).as_params()
    queue_team = request.POST.get("queue", "")
    if queue_team in JibTeam.values:
        params["queue"] = queue_team
    back = _back(request, reverse("tasklist:my_work"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(back)
    try:
        saved = services.saved_filter_save(
            owner=request.user, name=form.cleaned_data["name"], team=form.cleaned_data["team"], params=params
        )
    except services.TaskActionError as error:
        messages.error(request, error.message)
    else:
        shared = f", shared with {JibTeam(saved.team).label}" if saved.team else ""
        messages.success(request, f"Filter “{saved.name}” saved{shared}.")
    return HttpResponseRedirect(back)


@require_POST
def delete_filter(request, pk: int):
    _staff(request)
    saved = get_object_or_404(selectors.saved_filters_for(request.user), pk=pk)
    services.saved_filter_delete(saved=saved, user=request.user)
    messages.success(request, f"Filter “{saved.name}” deleted.")
    return HttpResponseRedirect(_back(request, reverse("tasklist:my_work")))
