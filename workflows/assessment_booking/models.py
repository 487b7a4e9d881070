from functools import cached_property

from viewflow.workflow.models import Process

from portal.assessments.models import Booking, Sitting


class AssessmentBookingProcess(Process):
    """An assessment booking's process; its artifact is the Booking. The graph's conditions are its methods."""

    class Meta:
        proxy = True
        verbose_name = "Assessment booking"
        verbose_name_plural = "Assessment bookings"
        permissions = [("review_assessment_sitting", "Can review assessment sittings (invigilation)")]

    @cached_property
    def booking(self) -> Booking:
        return Booking.objects.select_related("assessment_type", "operative").get(pk=self.artifact_object_id)

    def _status(self) -> str:
        """The booking's status as it is now: the step just before may have changed it."""
        return Booking.objects.values_list("status", flat=True).get(pk=self.artifact_object_id)

    def delegate_started(self) -> bool:
        return self._status() not in (Booking.Status.BOOKED, Booking.Status.INVITED, Booking.Status.EXPIRED)

    def sitting_confirmed(self) -> bool:
        outcome = Sitting.objects.filter(booking_id=self.artifact_object_id).values_list("review_outcome", flat=True)
        return outcome.first() == Sitting.ReviewOutcome.CONFIRMED
