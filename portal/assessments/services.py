"""ECS Assessments: buying credits (through orders), granting them when paid, booking delegates, cancelling,
the delegate's link, and recording the result on the ECS record.

The sitting itself (photos, paper, answers, prompts, marking, review) is moved by the sitting services; they
record booking changes through `booking_event_record` so that every change is one event row."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.assessments import selectors
from portal.assessments.models import (
    INVITE_VALID_DAYS,
    AssessmentResult,
    AssessmentType,
    Booking,
    BookingEvent,
    CreditLedgerEntry,
    CreditPurchase,
    Sitting,
)
from portal.assessments.signals import (
    booking_cancelled,
    booking_created,
    booking_expired,
    booking_invited,
    booking_voided,
    credits_granted,
    result_recorded,
)
from portal.employees.models import Employment
from portal.orders.models import Order, OrderLine
from portal.orders.selectors import vat_included
from portal.orders.services import OrderError, order_close, order_create
from portal.organisations.models import Office, Organisation
from portal.registry.services import hse_result_record

Status = Booking.Status
MAX_CREDITS_PER_ORDER = 500


class AssessmentError(Exception):
    """A rule refused the change; the message is for the user, shown beside `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def consent_statement(*, organisation_name: str, delegate_name: str, type_name: str) -> str:
    """What the booker declares for each delegate (the licence terms: staff give their permission)."""
    return (
        f"{delegate_name} has given permission for {organisation_name} to book the {type_name} on their behalf, "
        "to be assessed by remote invigilation (a webcam photograph and photo ID recorded and compared with their "
        "ECS record), and for the result to be added to their ECS record. The assessment type cannot be changed "
        "after booking."
    )


def _lock_organisation(organisation: Organisation) -> Organisation:
    """Credits of one organisation are spent one booking at a time: its row is the lock."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _require_offered(organisation: Organisation, assessment_type: AssessmentType) -> None:
    if not selectors.type_is_offered(organisation=organisation, assessment_type=assessment_type):
        raise AssessmentError(
            f"Your organisation's licence does not include the {assessment_type.name}.", field="assessment_type"
        )


def booking_event_record(
    *, booking: Booking, what: str, actor: User | None = None, to_status: str | None = None, fields=()
) -> Booking:
    """Record a change to `booking` (moving it to `to_status` when given; `fields` also saved)."""
    before = booking.status
    update = set(fields)
    if to_status is not None and to_status != before:
        booking.status = to_status
        update.add("status")
    if update:
        booking.save(update_fields=[*update, "updated_at"])
    BookingEvent.objects.create(booking=booking, actor=actor, from_status=before, to_status=booking.status, what=what)
    return booking


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("assessment_type", "operative").get(pk=booking.pk)


# --- Credits ------------------------------------------------------------------------------------------------------


def credit_order_create(
    *,
    actor: User,
    organisation: Organisation,
    assessment_type: AssessmentType,
    quantity: int,
    your_reference: str,
    office: Office,
    billing_office: Office,
    accounts_contact: str,
) -> Order:
    """An order for `quantity` credits of one assessment type at its published price, closed and awaiting payment
    (card, funds held on account, or BACS for £250 or more). Paying it grants the credits."""
    if quantity < 1:
        raise AssessmentError("Buy at least 1 credit.", field="quantity")
    if quantity > MAX_CREDITS_PER_ORDER:
        raise AssessmentError(f"Buy at most {MAX_CREDITS_PER_ORDER} credits in one order.", field="quantity")
    _require_offered(organisation, assessment_type)
    with transaction.atomic():
        try:
            order = order_create(
                actor=actor,
                organisation=organisation,
                your_reference=your_reference,
                office=office,
                billing_office=billing_office,
                deliver_to=None,
                accounts_contact=accounts_contact,
                kind=Order.Kind.ASSESSMENT_CREDITS,
            )
        except OrderError as exc:
            raise AssessmentError(str(exc), field=exc.field) from None
        total = assessment_type.price_pence * quantity
        line = OrderLine.objects.create(
            order=order,
            kind=OrderLine.Kind.ASSESSMENT_CREDIT,
            description=f"{assessment_type.name} credit",
            quantity=quantity,
            unit_price_pence=assessment_type.price_pence,
            vat_pence=vat_included(total, assessment_type.vat_rate_basis_points),
            total_pence=total,
            added_by=actor,
        )
        CreditPurchase.objects.create(line=line, assessment_type=assessment_type, quantity=quantity)
        return order_close(order=order, actor=actor)


@dataclass(frozen=True)
class Grant:
    assessment_type: AssessmentType
    quantity: int


def credits_grant_for_order(*, order: Order, actor: User | None = None) -> list[Grant]:
    """A paid credit order adds its credits to the organisation's balance, once however often it is announced."""
    if order.kind != Order.Kind.ASSESSMENT_CREDITS or order.status != Order.Status.PAID:
        return []
    grants = []
    with transaction.atomic():
        purchases = CreditPurchase.objects.filter(line__order=order, line__live=True).select_related("assessment_type")
        for purchase in purchases:
            exists = CreditLedgerEntry.objects.filter(
                order=order, assessment_type=purchase.assessment_type, reason=CreditLedgerEntry.Reason.PURCHASE
            ).exists()
            if exists:
                continue
            try:
                with transaction.atomic():
                    CreditLedgerEntry.objects.create(
                        organisation=order.organisation,
                        assessment_type=purchase.assessment_type,
                        change=purchase.quantity,
                        reason=CreditLedgerEntry.Reason.PURCHASE,
                        order=order,
                        note=f"Order {order.reference} paid.",
                        actor=actor,
                    )
            except IntegrityError:
                continue  # granted by a concurrent announcement
            grants.append(Grant(purchase.assessment_type, purchase.quantity))
            credits_granted.send(
                sender=CreditLedgerEntry, organisation=order.organisation, assessment_type=purchase.assessment_type,
                quantity=purchase.quantity, order=order, actor=actor,
            )  # fmt: skip
    return grants


def credits_correct(
    *, organisation: Organisation, assessment_type: AssessmentType, change: int, note: str, actor: User
) -> CreditLedgerEntry:
    """A correction by the JIB: credits added or taken away, with the reason; the balance never goes below zero."""
    if change == 0:
        raise AssessmentError("Enter a number of credits other than 0.", field="change")
    if not note.strip():
        raise AssessmentError("Say why the credits are corrected.", field="note")
    with transaction.atomic():
        _lock_organisation(organisation)
        balance = selectors.credit_balance(organisation=organisation, assessment_type=assessment_type)
        if balance + change < 0:
            raise AssessmentError(f"{organisation.name} holds only {balance} credits of this type.", field="change")
        return CreditLedgerEntry.objects.create(
            organisation=organisation, assessment_type=assessment_type, change=change,
            reason=CreditLedgerEntry.Reason.CORRECTION, note=note.strip(), actor=actor,
        )  # fmt: skip


# --- Booking ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delegate:
    """One employee to book, and where their single-use link is sent."""

    employment: Employment
    email: str
    mobile: str = ""


def _new_reference() -> str:
    while True:
        reference = f"ASM-{secrets.randbelow(9_000_000) + 1_000_000:07d}"
        if not Booking.objects.filter(reference=reference).exists():
            return reference


def booking_create(
    *, actor: User, organisation: Organisation, assessment_type: AssessmentType, delegates: list[Delegate],
    consent: bool,
) -> list[Booking]:  # fmt: skip
    """Book each delegate for `assessment_type`, using one credit each. All or nothing.

    Refused: a type the licence does not cover, no consent, not enough credits, an employee who is not a current
    employee of the organisation, a delegate booked twice, or one with an open booking of the same type."""
    if not delegates:
        raise AssessmentError("Choose at least one employee to book.", field="employees")
    _require_offered(organisation, assessment_type)
    if not consent:
        raise AssessmentError("Confirm that each employee has given their permission to be booked.", field="consent")
    seen = set()
    for delegate in delegates:
        employment = delegate.employment
        if employment.organisation_id != organisation.pk or not employment.is_current:
            raise AssessmentError(f"{employment.operative} is not a current employee of {organisation.name}.")
        if employment.operative_id in seen:
            raise AssessmentError(f"{employment.operative} is chosen twice.", field="employees")
        seen.add(employment.operative_id)
        if not delegate.email.strip():
            raise AssessmentError(f"Enter an email address for {employment.operative}.", field="employees")
    with transaction.atomic():
        _lock_organisation(organisation)
        balance = selectors.credit_balance(organisation=organisation, assessment_type=assessment_type)
        if balance < len(delegates):
            held = f"{balance} credit{'s' if balance != 1 else ''}"
            raise AssessmentError(
                f"Booking {len(delegates)} needs {len(delegates)} {assessment_type.name} credits; you hold {held}. "
                "Buy credits first.",
                field="assessment_type",
            )
        now = timezone.now()
        bookings = []
        for delegate in delegates:
            employment = delegate.employment
            operative = employment.operative
            if selectors.open_booking(operative=operative, assessment_type=assessment_type):
                raise AssessmentError(
                    f"{operative} already has an open booking for the {assessment_type.name}.", field="employees"
                )
            try:
                with transaction.atomic():
                    booking = Booking.objects.create(
                        reference=_new_reference(),
                        organisation=organisation,
                        office=employment.office,
                        employment=employment,
                        operative=operative,
                        assessment_type=assessment_type,
                        delegate_email=delegate.email.strip(),
                        delegate_mobile=delegate.mobile.strip(),
                        consent_statement=consent_statement(
                            organisation_name=organisation.name,
                            delegate_name=operative.full_name,
                            type_name=assessment_type.name,
                        ),  # fmt: skip
                        consent_by=actor,
                        consent_at=now,
                        booked_by=actor,
                    )
            except IntegrityError:
                raise AssessmentError(
                    f"{operative} already has an open booking for the {assessment_type.name}.", field="employees"
                ) from None
            CreditLedgerEntry.objects.create(
                organisation=organisation, assessment_type=assessment_type, change=-1,
                reason=CreditLedgerEntry.Reason.BOOKING, booking=booking, actor=actor,
            )  # fmt: skip
            BookingEvent.objects.create(
                booking=booking, actor=actor, to_status=booking.status,
                what=f"Booked for the {assessment_type.name}; one credit used; consent recorded.",
            )  # fmt: skip
            booking_created.send(sender=Booking, booking=booking, actor=actor)
            bookings.append(booking)
        return bookings


def booking_cancel(*, booking: Booking, actor: User) -> Booking:
    """Cancel a booking the delegate has not started: its credit goes back to the organisation."""
    with transaction.atomic():
        booking = _locked(booking)
        if not booking.is_cancellable:
            raise AssessmentError(
                f"Booking {booking.reference} is {booking.get_status_display().lower()}: it cannot be cancelled."
            )
        booking.cancelled_by = actor
        booking.cancelled_at = timezone.now()
        booking.invite_token_hash = ""
        booking_event_record(
            booking=booking, actor=actor, to_status=Status.CANCELLED,
            what="Cancelled before the delegate started; the credit is returned.",
            fields=("cancelled_by", "cancelled_at", "invite_token_hash"),
        )  # fmt: skip
        CreditLedgerEntry.objects.create(
            organisation_id=booking.organisation_id, assessment_type=booking.assessment_type, change=1,
            reason=CreditLedgerEntry.Reason.CANCELLATION, booking=booking, actor=actor,
        )  # fmt: skip
        booking_cancelled.send(sender=Booking, booking=booking, actor=actor)
        return booking


def booking_invite(*, booking: Booking, actor: User | None = None) -> str:
    """Issue the delegate's single-use link token (valid 30 days; a new one replaces any earlier one) and return it.
    Only its hash is kept: the caller puts the token in the email and SMS at once."""
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in Booking.CANCELLABLE:
            raise AssessmentError(f"Booking {booking.reference} is {booking.get_status_display().lower()}.")
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        booking.invite_token_hash = selectors.token_hash(token)
        booking.invite_sent_at = now
        booking.invite_expires_at = now + timedelta(days=INVITE_VALID_DAYS)
        again = booking.status == Status.INVITED
        booking_event_record(
            booking=booking, actor=actor, to_status=Status.INVITED,
            what=("A new link was sent" if again else "The delegate was invited")
            + f"; the link is valid until {timezone.localtime(booking.invite_expires_at):%d %b %Y %H:%M}.",
            fields=("invite_token_hash", "invite_sent_at", "invite_expires_at"),
        )  # fmt: skip
        booking_invited.send(sender=Booking, booking=booking, actor=actor)
        return token


def booking_remind(*, booking: Booking) -> Booking:
    """The delegate has not started: a reminder was sent (once)."""
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != Status.INVITED or booking.reminder_sent_at is not None:
            return booking
        booking.reminder_sent_at = timezone.now()
        return booking_event_record(
            booking=booking, what="Reminder sent to the delegate.", fields=("reminder_sent_at",)
        )


def booking_expire(*, booking: Booking, now=None) -> bool:
    """The link ran out before the delegate started: the booking expires (the credit was used). Idempotent:
    False when the booking was started, cancelled or is still within its 30 days."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != Status.INVITED or booking.invite_expires_at is None or booking.invite_expires_at > now:
            return False
        booking.invite_token_hash = ""
        booking_event_record(
            booking=booking, to_status=Status.EXPIRED, fields=("invite_token_hash",),
            what="Expired: the delegate did not start the assessment within 30 days.",
        )  # fmt: skip
        booking_expired.send(sender=Booking, booking=booking)
        return True


def booking_void(*, booking: Booking, actor: User, reason: str) -> Booking:
    """The invigilator voids a sitting (identity not confirmed, conduct): no result is recorded."""
    if not reason.strip():
        raise AssessmentError("Give the reason for voiding the assessment.", field="reason")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in (Status.IN_PROGRESS, Status.SUBMITTED):
            raise AssessmentError(f"Booking {booking.reference} is {booking.get_status_display().lower()}.")
        booking.completed_at = timezone.now()
        booking_event_record(
            booking=booking, actor=actor, to_status=Status.VOIDED, fields=("completed_at",),
            what=f"Voided by the invigilator: {reason.strip().rstrip('.')}.",
        )  # fmt: skip
        booking_voided.send(sender=Booking, booking=booking, actor=actor, reason=reason.strip())
        return booking


# --- Results ------------------------------------------------------------------------------------------------------


def _new_result_number(assessment_type: AssessmentType) -> str:
    from portal.registry.models import HseResult

    prefix = "HSE" if assessment_type.is_hse else "ECSA"
    while True:
        number = f"{prefix}{secrets.randbelow(9_000_000) + 1_000_000:07d}"
        if not AssessmentResult.objects.filter(number=number).exists() and not (
            assessment_type.is_hse and HseResult.objects.filter(number=number).exists()
        ):
            return number


def assessment_result_record(*, booking: Booking, actor: User | None = None) -> AssessmentResult:
    """Put a marked and confirmed sitting's result on the delegate's ECS record, with its number and expiry.

    HS&E goes through the registry's `hse_result_record`, so card applications on conditional hold waiting for a
    pass are released. Idempotent: a second call returns the result already recorded."""
    with transaction.atomic():
        booking = _locked(booking)
        existing = AssessmentResult.objects.filter(booking=booking).first()
        if existing is not None:
            return existing
        sitting = Sitting.objects.filter(booking=booking).first()
        if booking.status != Status.SUBMITTED or sitting is None or sitting.passed is None:
            raise AssessmentError(f"Booking {booking.reference} has no marked sitting to record.")
        if sitting.review_outcome != Sitting.ReviewOutcome.CONFIRMED:
            raise AssessmentError(f"The sitting for {booking.reference} has not been confirmed by an invigilator.")
        assessment_type = booking.assessment_type
        taken_on = timezone.localdate(sitting.submitted_at or sitting.started_at or timezone.now())
        number = _new_result_number(assessment_type)
        hse = None
        if assessment_type.is_hse:
            hse = hse_result_record(
                operative=booking.operative, number=number, taken_on=taken_on, passed=bool(sitting.passed),
                score=sitting.score, actor=actor,
            )  # fmt: skip
            expires_on = hse.expires_on
        else:
            expires_on = taken_on + relativedelta(years=assessment_type.pass_valid_years) if sitting.passed else None
        result = AssessmentResult.objects.create(
            operative=booking.operative, assessment_type=assessment_type, booking=booking, number=number,
            taken_on=taken_on, passed=bool(sitting.passed), score_percent=sitting.score_percent,
            expires_on=expires_on, hse_result=hse, recorded_by=actor,
        )  # fmt: skip
        booking.completed_at = timezone.now()
        outcome = Status.PASSED if result.passed else Status.FAILED
        booking_event_record(
            booking=booking, actor=actor, to_status=outcome, fields=("completed_at",),
            what=f"Result recorded on the ECS record: {'pass' if result.passed else 'fail'}, number {number}.",
        )  # fmt: skip
        result_recorded.send(sender=Booking, booking=booking, result=result, actor=actor)
        return result
