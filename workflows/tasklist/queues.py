"""Team queues, derived from the processes rather than listed by hand.

A team's queue holds the open tasks of the steps it may work: steps of the processes whose `jib_teams` include the
team, whose viewflow permission (`.Permission(...)` on the node) the team's group holds. Team leaders and managers
hold every permission of their processes so that they can step in; their own queue holds only what no working team
may do (today: team leader approval). A new team, or a new process with its own teams and permissions, gets its
queue without a change here.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from portal.accounts.access import CASE_MANAGERS, jib_teams_of
from portal.accounts.models import JibTeam, User
from workflows.tasklist.steps import human_steps


@dataclass(frozen=True)
class Queue:
    team: str  # a JibTeam value
    label: str
    steps: tuple[str, ...] = field(default=())  # viewflow references of the steps in this queue

    @property
    def slug(self) -> str:
        return self.team


def node_permission(node) -> str | None:
    """The permission a step's task asks of whoever works it ("app_label.codename"), if a fixed one."""
    permission = getattr(node, "_owner_permission", None)
    return permission if isinstance(permission, str) else None


def team_permissions() -> dict[str, set[str]]:
    """Each JIB team's group → the permissions it holds ("app_label.codename"), in one query."""
    held: dict[str, set[str]] = {team: set() for team in JibTeam.values}
    rows = Group.objects.filter(name__in=JibTeam.values, permissions__isnull=False).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    for team, app_label, codename in rows:
        held[team].add(f"{app_label}.{codename}")
    return held


def team_queues(held: dict[str, set[str]] | None = None) -> list[Queue]:
    """Every team's queue that has steps, in the order of the teams."""
    held = team_permissions() if held is None else held
    steps = human_steps()

    def may_work(team: str, node) -> bool:
        permission = node_permission(node)
        return team in node.flow_class.jib_teams and permission is not None and permission in held.get(team, ())

    working = [team for team in JibTeam.values if team not in CASE_MANAGERS]
    queues = []
    for team, label in JibTeam.choices:
        refs = [ref for ref, node in steps.items() if may_work(team, node)]
        if team in CASE_MANAGERS:
            refs = [ref for ref in refs if not any(may_work(other, steps[ref]) for other in working)]
        if refs:
            queues.append(Queue(team=team, label=label, steps=tuple(refs)))
    return queues


def queues_for(user: User, queues: list[Queue]) -> list[Queue]:
    """The queues a staff member may open: their own teams'; team leaders and managers see every queue (they
    assign the work)."""
    teams = jib_teams_of(user)
    if not teams.isdisjoint(CASE_MANAGERS):
        return list(queues)
    return [queue for queue in queues if queue.team in teams]


def steps_for(user: User, held: dict[str, set[str]] | None = None) -> list[str]:
    """Every step whose tasks the user may see in the back office (their processes' human steps)."""
    teams = jib_teams_of(user)
    return [ref for ref, node in human_steps().items() if not teams.isdisjoint(node.flow_class.jib_teams)]
