"""The assessment-booking process listens to the domain (portal.assessments.signals, .sitting_signals) and moves
its case, inside the transaction of the change announced: a case whose process is not at the step the fact
completes raises ProcessOutOfStep, which undoes the change. Connected in AssessmentBookingWorkflowConfig.ready.
"""

from django.dispatch import receiver
from viewflow.workflow.status import PROCESS

from portal.assessments import signals, sitting_signals
from portal.assessments.models import Booking, Sitting
from workflows.assessment_booking.flows import AssessmentBookingFlow
from workflows.assessment_booking.selectors import booking_process, open_task


class ProcessOutOfStep(RuntimeError):
    """The booking's process is not waiting at the step the announced fact completes."""


def _complete_wait(booking: Booking, node) -> None:
    task = open_task(booking=booking, node=node)
    if task is None:
        raise ProcessOutOfStep(f"The process of booking {booking.reference} is not waiting at {node.name}.")
    node.run(task)


@receiver(signals.booking_created, sender=Booking, dispatch_uid="assessment_booking.start")
def start(*, booking: Booking, **kwargs) -> None:
    AssessmentBookingFlow.start.run(artifact=booking)


@receiver(signals.booking_cancelled, sender=Booking, dispatch_uid="assessment_booking.cancelled")
def cancelled(*, booking: Booking, **kwargs) -> None:
    """The employer cancelled before the delegate started: the process is cancelled with its open tasks."""
    process = booking_process(booking=booking)
    if process is not None and process.status not in (PROCESS.DONE, PROCESS.CANCELED):
        AssessmentBookingFlow.instance.cancel(process)


@receiver(sitting_signals.sitting_started, sender=Sitting, dispatch_uid="assessment_booking.started")
def started(*, booking: Booking, **kwargs) -> None:
    _complete_wait(booking, AssessmentBookingFlow.await_delegate)


@receiver(signals.booking_expired, sender=Booking, dispatch_uid="assessment_booking.expired")
def expired(*, booking: Booking, **kwargs) -> None:
    """The link ran out: the wait ends (the process ends as expired). A process that never got to the wait (the
    invitation still failing: an incident, or with a person) is cancelled: there is no one left to invite."""
    if open_task(booking=booking, node=AssessmentBookingFlow.await_delegate) is not None:
        _complete_wait(booking, AssessmentBookingFlow.await_delegate)
    else:
        cancelled(booking=booking)


@receiver(sitting_signals.sitting_submitted, sender=Sitting, dispatch_uid="assessment_booking.submitted")
def submitted(*, booking: Booking, **kwargs) -> None:
    _complete_wait(booking, AssessmentBookingFlow.await_session)
