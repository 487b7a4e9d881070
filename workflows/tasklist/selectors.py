"""Reads of the back office's work lists: service levels and due dates, queues, priority, saved filters."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from workflows.tasklist.models import ServiceLevel


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


def due_expression(
    levels: dict[str, timedelta] | None = None, *, created: str = "created", flow_task: str = "flow_task"
):
    """The SQL expression of a task's due date: when it was created plus its step's service level (NULL for a step
    without one). `created` and `flow_task` name the task's fields (e.g. "task__created" from a related model)."""
    levels = service_levels() if levels is None else levels
    if not levels:
        return Value(None, output_field=DateTimeField())
    return Case(
        *(
            When(**{flow_task: ref}, then=ExpressionWrapper(F(created) + Value(allowed), output_field=DateTimeField()))
            for ref, allowed in sorted(levels.items())
        ),
        default=Value(None, output_field=DateTimeField()),
        output_field=DateTimeField(),
    )


def with_due_dates(tasks: QuerySet, levels: dict[str, timedelta] | None = None) -> QuerySet:
    """viewflow tasks annotated with `due` (when the task is late from; None for a step without a service level)."""
    return tasks.annotate(due=due_expression(levels))


# --- Priority -------------------------------------------------------------------------------------------------------

PRIORITY_NORMAL, PRIORITY_ANSWERED, PRIORITY_URGENT = 0, 1, 2
PRIORITY_LABELS = {PRIORITY_URGENT: "Urgent", PRIORITY_ANSWERED: "Answered", PRIORITY_NORMAL: ""}
PRIORITY_REASONS = {
    PRIORITY_URGENT: "A renewal whose card expires within 4 weeks (or has expired)",
    PRIORITY_ANSWERED: "The employer or applicant has answered what was asked of them",
}
RENEWAL_URGENT_WITHIN = timedelta(days=28)


def answer_steps() -> list[str]:
    """The steps where a case waits for the employer or applicant to answer (a hold, a request for information):
    a later task of a case that has passed one of them has been answered."""
    from workflows.card_application.flows import CardApplicationFlow
    from workflows.licence.flows import LicenceFlow

    return [get_task_ref(CardApplicationFlow.await_supply), get_task_ref(LicenceFlow.await_information)]


def priority_expression(today):
    """A task's priority, computed in the database (documented in PRIORITY_REASONS):

    - Urgent (2): a card application renewing a card that expires within `RENEWAL_URGENT_WITHIN` of `today` or has
      expired: the operative loses their card if it waits.
    - Answered (1): the case waited for the employer or applicant (a hold, a request for information) and they have
      answered: it has waited once already.
    - Normal (0): anything else.
    """
    from django.db.models import Exists, IntegerField, OuterRef
    from viewflow.workflow.models import Process

    from portal.applications.models import CardApplication
    from workflows.card_application.flows import CardApplicationFlow

    # Correlated, so that the database looks up only the cases of the tasks it sorts (a few for My work, the queue's
    # for a queue: then it may read the open renewals once as a hashed set); no join to the process table in the
    # list itself, which is sorted on the task table alone.
    renewal_due = Exists(
        Process.objects.filter(pk=OuterRef("process_id"), flow_class=CardApplicationFlow, status=PROCESS.NEW).filter(
            Exists(
                CardApplication.objects.filter(
                    pk=OuterRef("artifact_object_id"),
                    status__in=CardApplication.JIB_STAGES,
                    renews_card__expires_on__lte=today + RENEWAL_URGENT_WITHIN,
                )
            )
        )
    )
    answered = Exists(
        Task.objects.filter(process_id=OuterRef("process_id"), flow_task__in=answer_steps(), status=STATUS.DONE)
    )
    return Case(
        When(renewal_due, then=Value(PRIORITY_URGENT)),
        When(answered, then=Value(PRIORITY_ANSWERED)),
        default=Value(PRIORITY_NORMAL),
        output_field=IntegerField(),
    )


# --- Work lists -----------------------------------------------------------------------------------------------------

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


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


def open_tasks(*, steps, levels=None, now=None) -> QuerySet:
    """Open tasks of `steps` (viewflow references), with `due`, `overdue` and `priority`, ordered overdue first,
    then by priority, then by due date (oldest first)."""
    from django.db.models import BooleanField, F

    now = now or timezone.now()
    due = due_expression(service_levels() if levels is None else levels)
    return (
        Task.objects.filter(flow_task__in=list(steps), status__in=OPEN)
        .select_related("owner")
        .prefetch_related("process")  # read for the page's rows only, after the sort
        .annotate(
            due=due,
            overdue=Case(When(Q(due__lt=now), then=Value(True)), default=Value(False), output_field=BooleanField()),
            priority=priority_expression(timezone.localdate(now)),
        )
        .order_by(F("overdue").desc(), F("priority").desc(), F("due").asc(nulls_last=True), "created", "pk")
    )


def page_of(tasks: QuerySet, start: int, stop: int) -> list:
    """Rows `start`..`stop` of a sorted work list (from `open_tasks`), read in two steps: the page's ids with their
    sort values from a narrow sort (the task table's keys only), then those tasks in full, without computing the
    sort values again. The database sorts thousands of small rows, not wide ones."""
    keys = list(
        tasks.select_related(None).prefetch_related(None).values_list("pk", "due", "overdue", "priority")[start:stop]
    )
    if not keys:
        return []
    found = Task.objects.select_related("owner").prefetch_related("process").in_bulk([key[0] for key in keys])
    page = []
    for pk, due, overdue, priority in keys:
        task = found[pk]
        task.due, task.overdue, task.priority = due, overdue, priority
        page.append(task)
    return page


def apply_filter(tasks: QuerySet, work_filter: WorkFilter, *, user, now=None) -> QuerySet:
    """`tasks` narrowed by a WorkFilter (unknown values are ignored, never an error)."""
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


def my_work(*, user, steps, levels=None, now=None) -> QuerySet:
    """The tasks a staff member holds (assigned to them, or started), in the order they should be worked."""
    return open_tasks(steps=steps, levels=levels, now=now).filter(owner=user)


def step_counts(*, steps, user, levels=None, now=None) -> dict[str, dict[str, int]]:
    """Per step: open tasks, unassigned, overdue, and those held by `user`, in one grouped query."""
    from django.db.models import Count

    now = now or timezone.now()
    rows = (
        Task.objects.filter(flow_task__in=list(steps), status__in=OPEN)
        .annotate(due=due_expression(service_levels() if levels is None else levels))
        .order_by()
        .values("flow_task")
        .annotate(
            total=Count("pk"),
            unassigned=Count("pk", filter=Q(owner__isnull=True)),
            overdue=Count("pk", filter=Q(due__lt=now)),
            mine=Count("pk", filter=Q(owner=user)),
        )
    )
    return {
        get_task_ref(row["flow_task"]) if not isinstance(row["flow_task"], str) else row["flow_task"]: row
        for row in rows
    }


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
