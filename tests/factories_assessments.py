"""ECS Assessments for tests: credits granted, delegates booked and sittings marked through the services."""

from django.utils import timezone

from portal.assessments import services
from portal.assessments.models import AssessmentType, CreditLedgerEntry, Sitting
from tests.factories_registry import EmploymentFactory


def assessment_type(code: str = "hse") -> AssessmentType:
    return AssessmentType.objects.get(code=code)


def give_credits(organisation, code: str = "hse", count: int = 1) -> None:
    """Credits on the ledger as a JIB correction (buying them through an order is tested on its own)."""
    CreditLedgerEntry.objects.create(
        organisation=organisation, assessment_type=assessment_type(code), change=count,
        reason=CreditLedgerEntry.Reason.CORRECTION, note="Test credits.",
    )  # fmt: skip


def book(portal_user, *, employment=None, code: str = "hse", credits: bool = True, **employment_kwargs):
    """One booking of a current employee at the user's office (a credit granted first unless `credits=False`)."""
    organisation = portal_user.organisation
    if employment is None:
        employment_kwargs.setdefault("office", portal_user.office)
        employment = EmploymentFactory(organisation=organisation, **employment_kwargs)
    if credits:
        give_credits(organisation, code)
    [booking] = services.booking_create(
        actor=portal_user.user, organisation=organisation, assessment_type=assessment_type(code),
        delegates=[services.Delegate(employment=employment, email="delegate@example.com", mobile="+447700900555")],
        consent=True,
    )  # fmt: skip
    return booking


def sat_and_marked(booking, *, passed: bool = True, confirmed: bool = True, score: int = 45) -> Sitting:
    """The delegate's sitting as the session would leave it: submitted, marked, and reviewed."""
    now = timezone.now()
    total = booking.assessment_type.question_count
    sitting = Sitting.objects.create(
        booking=booking, started_at=now, deadline=now, submitted_at=now, marked_at=now, score=score,
        score_percent=round(100 * score / total), passed=passed,
        review_outcome=Sitting.ReviewOutcome.CONFIRMED if confirmed else "",
    )  # fmt: skip
    booking.status = booking.Status.SUBMITTED
    booking.save(update_fields=["status"])
    return sitting
