"""Reads of the contract set-up processes."""

from viewflow.workflow.base import Node
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_task(*, artifact_id: int, step: Node) -> Task | None:
    """The open task at `step` of the process whose artifact has id `artifact_id`, if there is one."""
    return (
        Task.objects.filter(
            process__flow_class=step.flow_class,
            process__artifact_object_id=artifact_id,
            flow_task=step,
            status__in=OPEN,
        )
        .order_by("-pk")
        .first()
    )
