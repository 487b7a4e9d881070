"""Reads of the card application process."""

from viewflow.workflow.status import STATUS

from portal.applications.models import CardApplication
from workflows.card_application.flows import CardApplicationFlow

# A task the process is waiting on: not yet done, cancelled or failed.
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED, STATUS.STARTED)


def open_task(*, application: CardApplication, node):
    """The application's process task open at `node` (a node of CardApplicationFlow), or None: the newest one,
    should a loop have passed the step before."""
    return (
        CardApplicationFlow.task_class.objects.filter(
            process__artifact_object_id=application.pk,
            process__flow_class=CardApplicationFlow,
            flow_task=node,
            status__in=OPEN,
        )
        .select_related("process")
        .order_by("-pk")
        .first()
    )


def application_process(*, application: CardApplication):
    """The application's process (None before it has one)."""
    return CardApplicationFlow.process_class.objects.filter(
        artifact_object_id=application.pk, flow_class=CardApplicationFlow
    ).first()
