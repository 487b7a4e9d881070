"""Reads of the assessment-booking process."""

from viewflow.workflow.status import STATUS

from portal.assessments.models import Booking
from workflows.assessment_booking.flows import AssessmentBookingFlow

# A task the process is waiting on: not yet done, cancelled or failed.
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED, STATUS.STARTED)


def open_task(*, booking: Booking, node):
    """The booking's process task open at `node` (a node of AssessmentBookingFlow), or None."""
    return (
        AssessmentBookingFlow.task_class.objects.filter(
            process__artifact_object_id=booking.pk,
            process__flow_class=AssessmentBookingFlow,
            flow_task=node,
            status__in=OPEN,
        )
        .select_related("process")
        .order_by("-pk")
        .first()
    )


def booking_process(*, booking: Booking):
    """The booking's process (None before it has one)."""
    return AssessmentBookingFlow.process_class.objects.filter(
        artifact_object_id=booking.pk, flow_class=AssessmentBookingFlow
    ).first()
