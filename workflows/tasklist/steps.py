"""The steps people work, read from the flows themselves (no list to keep up to date by hand)."""

from functools import cache

from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.nodes import View

from workflows.card_application.nodes import EmployerTask


@cache
def flows() -> tuple:
    """Every back-office process, in the order the back office lists them."""
    from workflows.site import FLOW_VIEWSETS

    return tuple(viewset._flow_class for viewset in FLOW_VIEWSETS)


@cache
def human_steps() -> dict[str, object]:
    """viewflow's reference of every step a JIB person works (a `View` node that is not the employer's) → node."""
    steps = {}
    for flow_class in flows():
        for node in flow_class.instance.nodes():
            if isinstance(node, View) and not isinstance(node, EmployerTask):
                steps[get_task_ref(node)] = node
    return steps


def step_title(flow_task: str) -> str:
    """A step as words ("Verify the application"), from viewflow's reference of it."""
    node = human_steps().get(flow_task)
    if node is None:
        return flow_task.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    return str(node.task_title or node)


@cache
def answer_steps() -> frozenset[str]:
    """The steps where a case waits for the employer or applicant to answer (a hold, a request for information):
    a case that has passed one of them has been answered, which raises its priority."""
    from workflows.card_application.flows import CardApplicationFlow
    from workflows.licence.flows import LicenceFlow

    return frozenset({get_task_ref(CardApplicationFlow.await_supply), get_task_ref(LicenceFlow.await_information)})
