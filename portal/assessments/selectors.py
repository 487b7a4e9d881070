"""Reads for ECS Assessments: the types an organisation may offer, credits held, bookings and results."""

import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from portal.assessments.models import (
    HSE_CODE,
    AssessmentResult,
    AssessmentType,
    Booking,
    CreditLedgerEntry,
)
from portal.employees.models import Employment
from portal.licensing.models import Licence
from portal.organisations.access import scope
from portal.organisations.permissions import Flag


def token_hash(token: str) -> str:
    """What is stored of a delegate's link token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- The licence's scope ------------------------------------------------------------------------------------------


def licensed_type_codes(*, organisation) -> set[str]:
    """The assessment type codes the organisation's licence covers: HS&E and the types ticked on the licence,
    nothing when the licence does not include ECS Assessments."""
    licence = Licence.objects.filter(organisation_id=getattr(organisation, "pk", organisation)).first()
    if licence is None or not licence.assessments:
        return set()
    return {HSE_CODE, *licence.assessment_types}


def types_offered(*, organisation) -> QuerySet:
    """The active assessment types the organisation may buy credits for and book, in the catalogue's order."""
    return AssessmentType.objects.filter(is_active=True, code__in=licensed_type_codes(organisation=organisation))


def type_is_offered(*, organisation, assessment_type: AssessmentType) -> bool:
    return assessment_type.is_active and assessment_type.code in licensed_type_codes(organisation=organisation)


# --- Credits ------------------------------------------------------------------------------------------------------


def credit_balance(*, organisation, assessment_type: AssessmentType) -> int:
    total = CreditLedgerEntry.objects.filter(organisation=organisation, assessment_type=assessment_type).aggregate(
        total=Sum("change")
    )["total"]
    return total or 0


@dataclass(frozen=True)
class CreditsHeld:
    assessment_type: AssessmentType
    balance: int
    offered: bool  # the licence still covers the type (credits bought before a change stay visible)


def credits_held(*, organisation) -> list[CreditsHeld]:
    """Each type the organisation is licensed for or holds credits of, with its balance: two queries."""
    balances = dict(
        CreditLedgerEntry.objects.filter(organisation=organisation)
        .values_list("assessment_type")
        .annotate(total=Sum("change"))
        .values_list("assessment_type", "total")
    )
    codes = licensed_type_codes(organisation=organisation)
    types = AssessmentType.objects.filter(Q(code__in=codes, is_active=True) | Q(pk__in=list(balances)))
    return [CreditsHeld(t, balances.get(t.pk, 0) or 0, t.code in codes and t.is_active) for t in types]


def credit_movements(*, organisation) -> QuerySet:
    return CreditLedgerEntry.objects.filter(organisation=organisation).select_related(
        "assessment_type", "booking__operative", "order", "actor"
    )


# --- Bookings -----------------------------------------------------------------------------------------------------


def bookings_in_scope(portal_user, *, flag: Flag | None = Flag.VIEW_APPLICATIONS) -> QuerySet:
    return scope(Booking.objects.all(), portal_user, flag=flag)


def booking_list(portal_user, *, status_group: str = "open", assessment_type: AssessmentType | None = None):
    """The bookings the user may see, newest first, with what each row shows in the same query."""
    bookings = bookings_in_scope(portal_user)
    if status_group == "open":
        bookings = bookings.filter(status__in=Booking.OPEN)
    elif status_group == "ended":
        bookings = bookings.filter(status__in=Booking.ENDED)
    if assessment_type is not None:
        bookings = bookings.filter(assessment_type=assessment_type)
    return bookings.select_related("operative", "assessment_type", "office", "result").order_by("-created_at", "-pk")


def booking_detail_queryset() -> QuerySet:
    return Booking.objects.select_related(
        "operative", "assessment_type", "office", "booked_by", "consent_by", "cancelled_by", "employment"
    )


def open_booking(*, operative, assessment_type: AssessmentType) -> Booking | None:
    return Booking.objects.filter(operative=operative, assessment_type=assessment_type, status__in=Booking.OPEN).first()


def booking_by_token(*, token: str) -> Booking | None:
    """The booking a delegate's link opens, whatever its state (the caller says why it cannot be used)."""
    if not token:
        return None
    return (
        Booking.objects.select_related("operative", "assessment_type", "organisation")
        .filter(invite_token_hash=token_hash(token))
        .first()
    )


def invite_usable(booking: Booking, *, now=None) -> tuple[bool, str]:
    """Whether the delegate's link may open the session, or why not (said to the delegate)."""
    now = now or timezone.now()
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.VOIDED):
        return False, "This assessment booking has been cancelled. Ask your employer if you need a new one."
    if booking.status == Booking.Status.EXPIRED or (booking.invite_expires_at and booking.invite_expires_at < now):
        return False, "This link has expired. Ask your employer to book the assessment again."
    if booking.status in (Booking.Status.SUBMITTED, Booking.Status.PASSED, Booking.Status.FAILED):
        return False, "This assessment has already been taken: the link can be used once."
    if booking.status not in (Booking.Status.INVITED, Booking.Status.IN_PROGRESS):
        return False, "This link is not active yet."
    return True, ""


@dataclass(frozen=True)
class Bookable:
    employment: Employment
    open_types: frozenset  # assessment type ids the delegate already has an open booking for


def bookable_employees(portal_user, *, ids: list[int] | None = None, search: str = "") -> QuerySet:
    """Current employees in the user's scope who may be booked (the employer portal's own scope rule)."""
    employees = scope(
        Employment.objects.filter(left_on__isnull=True), portal_user, flag=Flag.VIEW_EMPLOYEES
    ).select_related("operative", "office")
    if ids is not None:
        employees = employees.filter(pk__in=ids)
    if search:
        employees = employees.filter(
            Q(operative__last_name__icontains=search)
            | Q(operative__first_name__icontains=search)
            | Q(operative__ni_number__iexact=search.replace(" ", ""))
        )
    return employees.order_by("operative__last_name", "operative__first_name", "pk")


def open_booking_types(*, operative_ids) -> dict[int, set[int]]:
    """For each operative, the assessment types they have an open booking for (one query)."""
    found: dict[int, set[int]] = {}
    rows = Booking.objects.filter(operative_id__in=list(operative_ids), status__in=Booking.OPEN).values_list(
        "operative_id", "assessment_type_id"
    )
    for operative_id, type_id in rows:
        found.setdefault(operative_id, set()).add(type_id)
    return found


def booking_counts(portal_user) -> dict[str, int]:
    bookings = bookings_in_scope(portal_user)
    return {
        "open": bookings.filter(status__in=Booking.OPEN).count(),
        "ended": bookings.filter(status__in=Booking.ENDED).count(),
    }


# --- Results ------------------------------------------------------------------------------------------------------


def results_for(*, operative) -> QuerySet:
    """Every assessment result on the operative's ECS record, newest first."""
    return AssessmentResult.objects.filter(operative=operative).select_related("assessment_type", "booking")


def valid_result(*, operative, assessment_type: AssessmentType, today=None) -> AssessmentResult | None:
    today = today or timezone.localdate()
    return (
        AssessmentResult.objects.filter(
            operative=operative, assessment_type=assessment_type, passed=True, expires_on__gte=today
        )
        .order_by("-expires_on")
        .first()
    )
