"""The card application process listens to the domain (portal.applications.signals) and moves its case.

Each receiver runs inside the transaction of the change announced, so the process moves with the domain or not
at all: a case whose process is not at the step the fact completes raises ProcessOutOfStep, which undoes the
change. Connected in CardApplicationWorkflowConfig.ready.
"""

from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from viewflow.workflow.status import PROCESS, STATUS

from portal.applications import signals
from portal.applications.models import CardApplication
from workflows.card_application.flows import CardApplicationFlow
from workflows.card_application.selectors import application_process, open_task

ENDORSEMENT_STEPS = {
    CardApplication.Endorsement.GRADING: CardApplicationFlow.endorse_grading,
    CardApplication.Endorsement.SUPERVISOR: CardApplicationFlow.endorse_supervisor,
}


class ProcessOutOfStep(RuntimeError):
    """The application's process is not waiting at the step the announced fact completes."""


def _task(application: CardApplication, node):
    task = open_task(application=application, node=node)
    if task is None:
        raise ProcessOutOfStep(f"The process of application {application.reference} is not waiting at {node.name}.")
    return task


def _complete_wait(application: CardApplication, node) -> None:
    """Complete a wait (Handle) step."""
    node.run(_task(application, node))


def _complete_for(application: CardApplication, node, user) -> None:
    """Complete an employer's task (EmployerTask) as `user`: assigned to them, started and finished, as the
    back office does it (the node's own permission check decides whether they may take it)."""
    task = _task(application, node)
    with CardApplicationFlow.lock(task.process_id):
        task.refresh_from_db()
        activation = node.activation_class(task)
        if task.status == STATUS.NEW:
            if not activation.assign.has_perm(user):
                raise PermissionDenied(
                    f"{user} may not do “{node.task_title}” for application {application.reference}."
                )
            activation.assign(user)
        elif task.owner_id != user.pk:
            activation.reassign(user)
        activation = node.activation_class(task)
        activation.start(None)
        activation.execute()


@receiver(signals.application_started, sender=CardApplication, dispatch_uid="card_application.start")
def start(*, application: CardApplication, **kwargs) -> None:
    CardApplicationFlow.start.run(artifact=application)


@receiver(signals.application_paid, sender=CardApplication, dispatch_uid="card_application.paid")
def paid(*, application: CardApplication, **kwargs) -> None:
    _complete_wait(application, CardApplicationFlow.await_payment)


@receiver(signals.application_withdrawn, sender=CardApplication, dispatch_uid="card_application.withdrawn")
def withdrawn(*, application: CardApplication, **kwargs) -> None:
    """The process is cancelled with its open tasks (viewflow's own cancel)."""
    process = application_process(application=application)
    if process is not None and process.status not in (PROCESS.DONE, PROCESS.CANCELED):
        CardApplicationFlow.instance.cancel(process)


@receiver(signals.endorsement_decided, sender=CardApplication, dispatch_uid="card_application.endorsement")
def endorsement_decided(*, application: CardApplication, which: str, actor, **kwargs) -> None:
    _complete_for(application, ENDORSEMENT_STEPS[which], actor)


@receiver(signals.missing_information_supplied, sender=CardApplication, dispatch_uid="card_application.supplied")
def missing_information_supplied(*, application: CardApplication, actor, **kwargs) -> None:
    _complete_for(application, CardApplicationFlow.await_supply, actor)


@receiver(signals.conditional_hold_released, sender=CardApplication, dispatch_uid="card_application.released")
def conditional_hold_released(*, application: CardApplication, **kwargs) -> None:
    _complete_wait(application, CardApplicationFlow.conditional_hold)
