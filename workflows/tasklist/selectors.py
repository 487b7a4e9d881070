"""Reads of the back office's work lists: service levels and due dates, queues, priority, saved filters.

A work list reads the stored terms of open tasks (OpenTask: due date, priority, holder, search words; kept by
`services`), never computing them per query: its order is an index's order, late tasks a range of `due`."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task

from workflows.tasklist.models import (
    PRIORITY_ANSWERED,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    OpenTask,
    ServiceLevel,
)


def _ref(flow_task) -> str:
    return flow_task if isinstance(flow_task, str) else get_task_ref(flow_task)


def service_levels() -> dict[str, timedelta]:
    """Every step's service level: viewflow's reference of the step → the time its task may wait (one query)."""
    return {ref: timedelta(days=days) for ref, days in ServiceLevel.objects.values_list("flow_task", "days")}


def service_level_for(flow_task) -> timedelta | None:
    """How long a task at `flow_task` (a flow node, or viewflow's string reference of it) may wait before it is
    late; None when the step has no service level."""
    days = ServiceLevel.objects.filter(flow_task=_ref(flow_task)).values_list("days", flat=True).first()
    return None if days is None else timedelta(days=days)


# --- Priority -------------------------------------------------------------------------------------------------------

# Stored on each open task (OpenTask.priority) by workflows.tasklist.services.
PRIORITY_LABELS = {PRIORITY_URGENT: "Urgent", PRIORITY_ANSWERED: "Answered", PRIORITY_NORMAL: ""}
PRIORITY_REASONS = {
    PRIORITY_URGENT: "A renewal whose card expires within 4 weeks (or has expired)",
    PRIORITY_ANSWERED: "The employer or applicant has answered what was asked of them",
}


# --- Work lists -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkFilter:
    """What a work list is narrowed to; every field optional. Saved filters keep `as_params()`."""

    q: str = ""
    step: str = ""  # a viewflow step reference
    who: str = ""  # "", "unassigned", "me", "others", or a user's pk
    due: str = ""  # "", "overdue", "today", "week"
    priority: str = ""  # "", "raised" (answered or urgent), "urgent"

    FIELDS = ("q", "step", "who", "due", "priority")

    @classmethod
    def from_params(cls, params) -> "WorkFilter":
        return cls(**{name: str(params.get(name, "") or "").strip()[:100] for name in cls.FIELDS})

    def as_params(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.FIELDS if getattr(self, name)}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()


def open_tasks(*, steps) -> QuerySet:
    """The open tasks of `steps` (viewflow references) as their stored terms (OpenTask rows, pk = the task's), by
    priority, then due date (none last), then age. `page_of` reads them late ones first."""
    return OpenTask.objects.filter(flow_task__in=list(steps)).order_by(
        "-priority", F("due").asc(nulls_last=True), "created", "task_id"
    )


def list_counts(tasks: QuerySet, *, now: datetime) -> tuple[int, int]:
    """How many tasks a work list holds, and how many of them are late (one query)."""
    found = tasks.order_by().aggregate(total=Count("pk"), late=Count("pk", filter=Q(due__lt=now)))
    return found["total"], found["late"]


def page_of(tasks: QuerySet, start: int, stop: int, *, now: datetime, late: int | None = None) -> list:
    """Rows `start`..`stop` of a work list (OpenTask rows from `open_tasks`, filtered), late ones first, then in the
    list's order, as viewflow tasks with `due`, `overdue` and `priority` set.

    Read in two steps: the page's keys from the index order of the late tasks (`due < now`, a range) and then of
    the others, skipping to the page (the part that the page does not reach is not read); then those tasks, their
    holders and processes. `late`: how many are late, when the caller has counted them (`list_counts`)."""
    if late is None:
        late = tasks.filter(due__lt=now).count()
    keys = []
    if start < late:
        keys += tasks.filter(due__lt=now).values_list("task_id", "due", "priority")[start : min(stop, late)]
    if stop > late:
        on_time = tasks.filter(Q(due__gte=now) | Q(due__isnull=True))
        keys += on_time.values_list("task_id", "due", "priority")[max(start - late, 0) : stop - late]
    if not keys:
        return []
    found = Task.objects.select_related("owner").prefetch_related("process").in_bulk([key[0] for key in keys])
    page = []
    for pk, due, priority in keys:
        task = found[pk]
        task.due, task.overdue, task.priority = due, due is not None and due < now, priority
        page.append(task)
    return page


def apply_filter(tasks: QuerySet, work_filter: WorkFilter, *, user, now=None) -> QuerySet:
    """`tasks` (OpenTask rows) narrowed by a WorkFilter (unknown values are ignored, never an error)."""
    from workflows.tasklist.cases import search_q

    now = now or timezone.now()
    if work_filter.q:
        tasks = tasks.filter(search_q(work_filter.q))
    if work_filter.step:
        tasks = tasks.filter(flow_task=work_filter.step)
    who = work_filter.who
    if who == "unassigned":
        tasks = tasks.filter(owner__isnull=True)
    elif who == "me":
        tasks = tasks.filter(owner=user)
    elif who == "others":
        tasks = tasks.filter(owner__isnull=False).exclude(owner=user)
    elif who.isdigit():
        tasks = tasks.filter(owner_id=int(who))
    if work_filter.due == "overdue":
        tasks = tasks.filter(due__lt=now)
    elif work_filter.due in ("today", "week"):
        days = 1 if work_filter.due == "today" else 7
        tasks = tasks.filter(due__lt=now + timedelta(days=days))
    if work_filter.priority == "raised":
        tasks = tasks.filter(priority__gte=PRIORITY_ANSWERED)
    elif work_filter.priority == "urgent":
        tasks = tasks.filter(priority=PRIORITY_URGENT)
    return tasks


def my_work(*, user, steps) -> QuerySet:
    """The tasks a staff member holds (assigned to them, or started), in the order they should be worked."""
    return open_tasks(steps=steps).filter(owner=user)


def step_counts(*, steps, user, now=None) -> dict[str, dict[str, int]]:
    """Per step: open tasks, unassigned, overdue, those held by `user` and how many of theirs are overdue, in one
    grouped query (an index-only scan of tasklist_open_step_due on PostgreSQL)."""
    now = now or timezone.now()
    rows = (
        OpenTask.objects.filter(flow_task__in=list(steps))
        .order_by()
        .values("flow_task")
        .annotate(
            total=Count("pk"),
            unassigned=Count("pk", filter=Q(owner__isnull=True)),
            overdue=Count("pk", filter=Q(due__lt=now)),
            mine=Count("pk", filter=Q(owner=user)),
            mine_overdue=Count("pk", filter=Q(owner=user, due__lt=now)),
        )
    )
    return {row["flow_task"]: row for row in rows}


def colleagues_for(steps) -> QuerySet:
    """Active JIB staff who may work every one of `steps` (their group or they hold each step's permission), by
    name: whom a team leader may assign such tasks to."""
    from portal.accounts.models import User
    from workflows.tasklist.queues import node_permission
    from workflows.tasklist.steps import human_steps

    users = User.objects.filter(is_active=True, is_jib_staff=True)
    nodes = human_steps()
    for ref in set(steps):
        node = nodes.get(ref)
        if node is None:
            return users.none()
        permission = node_permission(node)
        if permission:
            app_label, codename = permission.split(".", 1)
            perm_q = Q(
                groups__permissions__content_type__app_label=app_label, groups__permissions__codename=codename
            ) | Q(user_permissions__content_type__app_label=app_label, user_permissions__codename=codename)
            users = users.filter(pk__in=User.objects.filter(perm_q).values("pk"))
        teams = node.flow_class.jib_teams
        users = users.filter(pk__in=User.objects.filter(groups__name__in=teams).values("pk"))
    return users.order_by("first_name", "last_name", "pk")


def saved_filters_for(user) -> QuerySet:
    """The filters a staff member may use: their own, and those shared with a team they are in."""
    from portal.accounts.access import jib_teams_of
    from workflows.tasklist.models import SavedFilter

    return SavedFilter.objects.filter(Q(owner=user) | Q(team__in=list(jib_teams_of(user)))).select_related("owner")
