"""Changes to who holds a task: claim, release, assign to a colleague (one task or many), and saved filters.

Each goes through viewflow's own activation under the flow's lock (`task.activation()`), after viewflow's own
permission checks (`can_assign`, `can_unassign`, the flow's `has_manage_permission`), and is recorded as a
TaskEvent. A refusal is a TaskActionError with the sentence to show.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts.access import in_jib_team, jib_teams_of
from portal.accounts.models import JibTeam, User
from workflows.tasklist.models import SavedFilter, TaskEvent
from workflows.tasklist.steps import human_steps


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
