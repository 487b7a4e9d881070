"""Changes to who holds a task: claim, release, assign to a colleague (one task or many), saved filters; and the
stored terms of open tasks (OpenTask) that the work lists read: kept up to date when a task is saved, a service
level is edited, a hold is answered, or a renewal comes close to its card's expiry.

Each change of holder goes through viewflow's own activation under the flow's lock (`task.activation()`), after
viewflow's own permission checks (`can_assign`, `can_unassign`, the flow's `has_manage_permission`), and is recorded
as a TaskEvent. A refusal is a TaskActionError with the sentence to show.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts.access import in_jib_team, jib_teams_of
from portal.accounts.models import JibTeam, User
from workflows.tasklist.models import (
    PRIORITY_ANSWERED,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    OpenTask,
    SavedFilter,
    ServiceLevel,
    TaskEvent,
)
from workflows.tasklist.steps import answer_steps, human_steps


class TaskActionError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _require_human_step(task: Task) -> Task:
    if task.flow_task is None or task.flow_task not in human_steps().values():
        raise TaskActionError("This task is not worked in the back office.")
    return task


def _require_flow_team(user: User, task: Task) -> None:
    if not in_jib_team(user, *task.flow_task.flow_class.jib_teams):
        raise PermissionDenied("This task belongs to another team.")


def may_work(user: User, task: Task) -> bool:
    """Whether `user` may hold and work `task`: active JIB staff in the process's teams holding the step's
    permission (viewflow's own check, `can_assign`, for a task nobody holds)."""
    if not (user.is_active and user.is_jib_staff and in_jib_team(user, *task.flow_task.flow_class.jib_teams)):
        return False
    if task.owner_id is None:
        return bool(task.flow_task.can_assign(user, task))
    permission = task.owner_permission
    return not permission or user.has_perm(permission)


def may_assign(user: User, task: Task) -> bool:
    """Whether `user` may give `task` to a colleague: the process's managers (team leaders and managers)."""
    return in_jib_team(user, *task.flow_task.flow_class.jib_teams) and bool(
        task.flow_task.flow_class.instance.has_manage_permission(user)
    )


@transaction.atomic
def task_claim(*, task: Task, user: User) -> Task:
    """The user takes an unassigned task."""
    _require_human_step(task)
    _require_flow_team(user, task)
    with task.activation() as activation:
        if activation.task.status != STATUS.NEW or activation.task.owner_id:
            raise TaskActionError("Someone has already taken this task.")
        if not activation.assign.has_perm(user):
            raise PermissionDenied("You may not work this step.")
        activation.assign(user)
        TaskEvent.objects.create(task=activation.task, action=TaskEvent.Action.CLAIMED, actor=user, owner=user)
        return activation.task


@transaction.atomic
def task_release(*, task: Task, user: User) -> Task:
    """The holder (or a team leader) gives a task back to its queue."""
    _require_human_step(task)
    _require_flow_team(user, task)
    with task.activation() as activation:
        if activation.task.status != STATUS.ASSIGNED:
            raise TaskActionError("Only a task that is held and not started can be given back.")
        if not activation.unassign.has_perm(user):
            raise PermissionDenied("Only the person holding the task or a team leader may give it back.")
        activation.unassign()
        TaskEvent.objects.create(task=activation.task, action=TaskEvent.Action.RELEASED, actor=user)
        return activation.task


@transaction.atomic
def task_assign(*, task: Task, actor: User, assignee: User) -> Task:
    """A team leader gives a task (unassigned, or held and not started) to a named colleague who may work it."""
    _require_human_step(task)
    _require_flow_team(actor, task)
    if not may_assign(actor, task):
        raise PermissionDenied("Only team leaders and managers may assign work.")
    with task.activation() as activation:
        current = activation.task
        if current.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise TaskActionError(f"{current.flow_task.task_title} has been started: it cannot be handed on now.")
        if current.owner_id == assignee.pk:
            return current
        if not may_work(assignee, current):
            raise TaskActionError(
                f"{assignee} may not work “{current.flow_task.task_title}”: choose someone in a team that does.",
                field="assignee",
            )
        if current.status == STATUS.NEW:
            activation.assign(assignee)
        else:
            if not activation.reassign.has_perm(actor):
                raise PermissionDenied("You may not hand on this task.")
            activation.reassign(assignee)
        TaskEvent.objects.create(task=current, action=TaskEvent.Action.ASSIGNED, actor=actor, owner=assignee)
        return current


@transaction.atomic
def tasks_assign(*, tasks: list[Task], actor: User, assignee: User) -> list[Task]:
    """Assign several tasks to one colleague: all of them, or none if any cannot be."""
    if not tasks:
        raise TaskActionError("Choose the tasks to assign.", field="tasks")
    return [task_assign(task=task, actor=actor, assignee=assignee) for task in tasks]


@transaction.atomic
def saved_filter_save(*, owner: User, name: str, team: str, params: dict) -> SavedFilter:
    """Keep a work-list filter under a name: private, or shared with a team the owner belongs to. Saving under a
    name the owner already used replaces that filter."""
    name = name.strip()
    if not name:
        raise TaskActionError("Enter a name for the filter.", field="name")
    if team and (team not in JibTeam.values or team not in jib_teams_of(owner)):
        raise TaskActionError("You can share a filter only with a team you are in.", field="team")
    saved, _ = SavedFilter.objects.select_for_update().update_or_create(
        owner=owner, name=name[:80], defaults={"team": team, "params": dict(params)}
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, saved: SavedFilter, user: User) -> None:
    """Only its owner deletes a filter."""
    if saved.owner_id != user.pk:
        raise PermissionDenied("Only the person who saved a filter may delete it.")
    saved.delete()


# --- The stored terms of open tasks (OpenTask) ----------------------------------------------------------------------

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _open_task_rows(tasks: list[Task], *, today: date | None = None) -> list[OpenTask]:
    """The OpenTask rows of open `tasks` of human steps (their `process` read with them), unsaved: the service
    levels (one query), the processes with an answered hold (one), the cases (one per process)."""
    from workflows.tasklist import cases
    from workflows.tasklist.selectors import service_levels

    today = today or timezone.localdate()
    levels = service_levels()
    answered = set(
        Task.objects.filter(
            process_id__in={task.process_id for task in tasks}, flow_task__in=answer_steps(), status=STATUS.DONE
        ).values_list("process_id", flat=True)
    )
    terms = cases.terms_of(tasks)
    rows = []
    for task in tasks:
        ref = get_task_ref(task.flow_task)
        allowed = levels.get(ref)
        found = terms[task.pk]
        if found.urgent_from is not None and found.urgent_from <= today:
            priority = PRIORITY_URGENT
        elif task.process_id in answered:
            priority = PRIORITY_ANSWERED
        else:
            priority = PRIORITY_NORMAL
        rows.append(
            OpenTask(
                task_id=task.pk,
                process_id=task.process_id,
                flow_task=ref,
                owner_id=task.owner_id,
                created=task.created,
                due=task.created + allowed if allowed is not None else None,
                priority=priority,
                **found.stored(),
            )
        )
    return rows


def open_task_sync(*, task: Task, created: bool = False) -> OpenTask | None:
    """Bring the work lists up to date with a task just saved (called for every saved viewflow task, `created` when
    the save inserted it):

    - an open task of a step people work gets its row (its due date, priority and search terms), or, already there,
      its holder brought up to date;
    - a done or cancelled one loses it;
    - a done task of a step where the case waited for the employer or applicant (a hold answered) raises the
      priority of its case's open tasks to Answered.
    Returns the row of an open task, None otherwise. A task of an automated step costs no query."""
    node = task.flow_task
    if node is None:
        return None
    ref = get_task_ref(node)
    if task.status == STATUS.DONE and ref in answer_steps():
        open_tasks_answered(process_id=task.process_id)
    if ref not in human_steps():
        return None
    if task.status not in OPEN:
        OpenTask.objects.filter(task_id=task.pk).delete()
        return None
    with transaction.atomic():
        row = None if created else OpenTask.objects.select_for_update().filter(task_id=task.pk).first()
        if row is not None:
            if row.owner_id != task.owner_id:
                row.owner_id = task.owner_id
                row.save(update_fields=["owner"])
            return row
        (row,) = _open_task_rows([task])
        row.save(force_insert=True)
        return row


@transaction.atomic
def open_tasks_answered(*, process_id: int) -> int:
    """The employer or applicant answered what was asked (a hold, a request for information): the case's open tasks
    are raised to Answered (urgent ones stay urgent). Returns how many were raised."""
    return OpenTask.objects.filter(process_id=process_id, priority__lt=PRIORITY_ANSWERED).update(
        priority=PRIORITY_ANSWERED
    )


@transaction.atomic
def open_task_priorities_raise(*, today: date | None = None) -> int:
    """Renewals whose card expires within 4 weeks of `today` (or has expired) become urgent: the rows whose
    `urgent_from` has come (an index range; run every few minutes by Prefect, tasks.worklists). Returns how many."""
    today = today or timezone.localdate()
    return OpenTask.objects.filter(urgent_from__lte=today, priority__lt=PRIORITY_URGENT).update(
        priority=PRIORITY_URGENT
    )


@transaction.atomic
def service_level_set(*, flow_task: str, days: int | None) -> ServiceLevel | None:
    """Set how many days a task at `flow_task` (viewflow's reference of a step) may wait, or with None take its
    service level away; the due dates of the step's open tasks move with it (one update)."""
    if days is None:
        ServiceLevel.objects.filter(flow_task=flow_task).delete()
        OpenTask.objects.filter(flow_task=flow_task).update(due=None)
        return None
    if days < 0:
        raise TaskActionError("A service level is a number of days, 0 or more.", field="days")
    level, _ = ServiceLevel.objects.select_for_update().update_or_create(flow_task=flow_task, defaults={"days": days})
    OpenTask.objects.filter(flow_task=flow_task).update(due=F("created") + timedelta(days=days))
    return level


SEARCH_COLUMNS = ["reference", "other_reference", "names", "forename", "surname"]


@transaction.atomic
def open_tasks_renamed(*, old_name: str) -> int:
    """An organisation changed its name from `old_name`: the open tasks found by it (a part of their names) have
    their search terms made again from their cases, so a search finds them by the new name. Returns how many."""
    task_ids = list(OpenTask.objects.filter(names__contains=old_name.upper()).values_list("task_id", flat=True))
    tasks = list(Task.objects.filter(pk__in=task_ids, status__in=OPEN).select_related("process"))
    if not tasks:
        return 0
    rows = _open_task_rows(tasks)
    OpenTask.objects.bulk_update(rows, SEARCH_COLUMNS)
    return len(rows)


@transaction.atomic
def open_tasks_rebuild(*, batch: int = 2000) -> int:
    """Make every OpenTask row again from the open tasks of the steps people work (after a migration, a restore,
    or a change of what a search finds a case by). Returns how many rows there are."""
    OpenTask.objects.all().delete()
    tasks = Task.objects.filter(flow_task__in=list(human_steps()), status__in=OPEN).order_by("pk")
    made, last = 0, 0
    while True:
        chunk = list(tasks.filter(pk__gt=last).select_related("process")[:batch])
        if not chunk:
            return made
        OpenTask.objects.bulk_create(_open_task_rows(chunk))
        made += len(chunk)
        last = chunk[-1].pk
