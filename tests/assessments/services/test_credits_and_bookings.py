"""Credits bought through orders and granted when paid; bookings made, refused and cancelled; the delegate's link."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.assessments import selectors, services
from portal.assessments.models import Booking, CreditLedgerEntry, CreditPurchase
from portal.assessments.signals import booking_cancelled, booking_created, credits_granted
from portal.orders import services as order_services
from portal.orders.models import FundsLedgerEntry, Order, OrderLine
from portal.orders.selectors import payment_methods_for
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_assessments import assessment_type, book, give_credits
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db
Status = Booking.Status


def balance(organisation, code="hse"):
    return selectors.credit_balance(organisation=organisation, assessment_type=assessment_type(code))


def credit_order(portal_user, *, code="hse", quantity=2):
    office = portal_user.office
    return services.credit_order_create(
        actor=portal_user.user, organisation=portal_user.organisation, assessment_type=assessment_type(code),
        quantity=quantity, your_reference="PO-ASM", office=office, billing_office=office,
        accounts_contact="Mr Accounts",
    )  # fmt: skip


class Heard:
    def __init__(self, signal):
        self.calls = []
        signal.connect(self, weak=False)
        self.signal = signal

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def heard():
    made = []

    def _listen(signal):
        listener = Heard(signal)
        made.append(listener)
        return listener.calls

    yield _listen
    for listener in made:
        listener.signal.disconnect(listener)


# --- The licence's scope ------------------------------------------------------------------------------------------


def test_types_offered_are_hse_and_the_licensed_types():
    organisation = OrganisationFactory(licence__assessment_types=["fire", "security"])
    codes = set(selectors.types_offered(organisation=organisation).values_list("code", flat=True))
    assert codes == {"hse", "fire", "security"}
    assert selectors.types_offered(organisation=OrganisationFactory(licence__assessments=False)).count() == 0
    assert selectors.types_offered(organisation=OrganisationFactory(licence=False)).count() == 0


def test_every_type_has_a_question_bank_larger_than_its_paper():
    from portal.assessments.models import AssessmentType

    for kind in AssessmentType.objects.all():
        bank = kind.questions.filter(is_active=True).count()
        assert bank >= (60 if kind.is_hse else 20) and bank > kind.question_count, kind.code


# --- Buying credits -----------------------------------------------------------------------------------------------


def test_credit_order_is_closed_at_the_published_price_with_vat(primary_user):
    order = credit_order(primary_user, quantity=3)
    assert order.kind == Order.Kind.ASSESSMENT_CREDITS and order.status == Order.Status.AWAITING_PAYMENT
    [line] = order.lines.all()
    hse = assessment_type("hse")
    assert line.kind == OrderLine.Kind.ASSESSMENT_CREDIT and line.quantity == 3
    assert line.unit_price_pence == hse.price_pence and line.total_pence == 3 * hse.price_pence
    assert line.vat_pence == round(3 * hse.price_pence / 6)  # 20% VAT inside the price
    assert CreditPurchase.objects.get(line=line).assessment_type == hse
    assert balance(primary_user.organisation) == 0  # nothing until it is paid


@pytest.mark.parametrize("quantity", [0, -1, 501])
def test_credit_order_refuses_a_bad_quantity(primary_user, quantity):
    with pytest.raises(services.AssessmentError) as caught:
        credit_order(primary_user, quantity=quantity)
    assert caught.value.field == "quantity"
    assert not Order.objects.exists()


def test_credit_order_refuses_a_type_the_licence_does_not_cover():
    organisation = OrganisationFactory(licence__assessment_types=["fire"])
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    with pytest.raises(services.AssessmentError, match="does not include the Security assessment") as caught:
        credit_order(user, code="security")
    assert caught.value.field == "assessment_type"
    credit_order(user, code="fire")  # licensed


def test_credit_order_refuses_when_the_licence_has_no_assessments():
    user = PortalUserFactory(organisation=OrganisationFactory(licence__assessments=False), all_flags=True)
    with pytest.raises(services.AssessmentError):
        credit_order(user)
    assert not Order.objects.exists()


def test_paying_from_funds_grants_the_credits_once(primary_user, heard):
    granted = heard(credits_granted)
    organisation = primary_user.organisation
    order_services.funds_credit(
        organisation=organisation, amount_pence=50_000, kind=FundsLedgerEntry.Kind.ADVANCE_PAYMENT, reference="T1"
    )
    order = credit_order(primary_user, quantity=2)
    assert payment_methods_for(order=order, portal_user=primary_user)[Order.Method.FUNDS].offered
    order_services.order_pay_from_funds(order=order, portal_user=primary_user)
    assert balance(organisation) == 2
    assert [(g["quantity"], g["order"]) for g in granted] == [(2, order)]
    order.refresh_from_db()
    assert services.credits_grant_for_order(order=order) == []  # announced again: nothing more
    assert balance(organisation) == 2
    entry = CreditLedgerEntry.objects.get()
    assert entry.reason == CreditLedgerEntry.Reason.PURCHASE and entry.order == order


def test_bacs_is_offered_from_250_pounds_and_the_allocation_grants_the_credits(primary_user):
    small = credit_order(primary_user, quantity=5)  # 5 × £42.00 = £210.00
    assert not payment_methods_for(order=small, portal_user=primary_user)[Order.Method.BACS].offered
    order = credit_order(primary_user, quantity=6)  # £252.00
    assert payment_methods_for(order=order, portal_user=primary_user)[Order.Method.BACS].offered
    order_services.order_mark_for_bacs(order=order, portal_user=primary_user)
    order_services.order_mark_paid(order=order, method=Order.Method.BACS, amount_pence=25_200, source_reference="b1")
    assert balance(primary_user.organisation) == 6


def test_a_cancelled_credit_order_grants_nothing(primary_user):
    order = credit_order(primary_user)
    order_services.order_cancel(order=order, actor=primary_user.user)
    order.refresh_from_db()
    assert services.credits_grant_for_order(order=order) == []
    assert balance(primary_user.organisation) == 0


def test_credit_corrections_never_take_the_balance_below_zero(primary_user):
    organisation, hse = primary_user.organisation, assessment_type("hse")
    services.credits_correct(organisation=organisation, assessment_type=hse, change=3, note="Goodwill",
                             actor=primary_user.user)  # fmt: skip
    with pytest.raises(services.AssessmentError, match="holds only 3"):
        services.credits_correct(organisation=organisation, assessment_type=hse, change=-4, note="x",
                                 actor=primary_user.user)  # fmt: skip
    with pytest.raises(services.AssessmentError) as caught:
        services.credits_correct(organisation=organisation, assessment_type=hse, change=1, note=" ",
                                 actor=primary_user.user)  # fmt: skip
    assert caught.value.field == "note"
    assert balance(organisation) == 3


# --- Booking ------------------------------------------------------------------------------------------------------


def delegates(*employments):
    return [services.Delegate(employment=e, email=f"d{e.pk}@example.com") for e in employments]


def test_booking_uses_one_credit_each_records_consent_and_is_announced(primary_user, heard):
    created = heard(booking_created)
    organisation = primary_user.organisation
    give_credits(organisation, "hse", 3)
    employees = [EmploymentFactory(organisation=organisation) for _ in range(2)]
    bookings = services.booking_create(
        actor=primary_user.user, organisation=organisation, assessment_type=assessment_type("hse"),
        delegates=delegates(*employees), consent=True,
    )  # fmt: skip
    assert balance(organisation) == 1
    assert [c["booking"] for c in created] == bookings
    for booking, employment in zip(bookings, employees, strict=True):
        assert booking.reference.startswith("ASM-") and booking.status == Status.BOOKED
        assert booking.operative == employment.operative and booking.office == employment.office
        assert booking.consent_by == primary_user.user and booking.consent_at is not None
        assert employment.operative.full_name in booking.consent_statement
        assert "cannot be changed after booking" in booking.consent_statement
        assert booking.events.get().to_status == Status.BOOKED
        assert booking.credit_entries.get().change == -1


def test_booking_refuses_a_type_the_licence_does_not_cover():
    organisation = OrganisationFactory(licence__assessment_types=["fire"])
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    give_credits(organisation, "security", 1)  # credits alone do not make a type bookable
    with pytest.raises(services.AssessmentError, match="does not include") as caught:
        book(user, code="security", credits=False)
    assert caught.value.field == "assessment_type"
    assert not Booking.objects.exists()


def test_booking_refuses_without_consent(primary_user):
    give_credits(primary_user.organisation)
    employment = EmploymentFactory(organisation=primary_user.organisation)
    with pytest.raises(services.AssessmentError) as caught:
        services.booking_create(
            actor=primary_user.user, organisation=primary_user.organisation, assessment_type=assessment_type(),
            delegates=delegates(employment), consent=False,
        )  # fmt: skip
    assert caught.value.field == "consent"
    assert balance(primary_user.organisation) == 1


def test_booking_refuses_without_enough_credits_and_books_nobody(primary_user):
    organisation = primary_user.organisation
    give_credits(organisation, "hse", 1)
    employees = [EmploymentFactory(organisation=organisation) for _ in range(2)]
    with pytest.raises(services.AssessmentError, match="needs 2 HS&E Assessment credits; you hold 1 credit"):
        services.booking_create(
            actor=primary_user.user, organisation=organisation, assessment_type=assessment_type(),
            delegates=delegates(*employees), consent=True,
        )  # fmt: skip
    assert not Booking.objects.exists() and balance(organisation) == 1


def test_booking_refuses_with_no_credit_at_all(primary_user):
    with pytest.raises(services.AssessmentError, match="you hold 0 credits"):
        book(primary_user, credits=False)


def test_booking_refuses_a_second_open_booking_for_the_same_delegate_and_type(primary_user):
    first = book(primary_user)
    with pytest.raises(services.AssessmentError, match="already has an open booking") as caught:
        book(primary_user, employment=first.employment)
    assert caught.value.field == "employees"
    assert Booking.objects.count() == 1 and balance(primary_user.organisation) == 1  # the second credit is kept
    book(primary_user, employment=first.employment, code="fire")  # another type is fine


def test_a_delegate_may_be_booked_again_once_the_booking_is_over(primary_user):
    first = book(primary_user)
    services.booking_cancel(booking=first, actor=primary_user.user)
    again = book(primary_user, employment=first.employment)
    assert again.status == Status.BOOKED


def test_an_open_booking_in_a_batch_books_nobody(primary_user):
    organisation = primary_user.organisation
    first = book(primary_user)
    give_credits(organisation, "hse", 2)
    other = EmploymentFactory(organisation=organisation)
    with pytest.raises(services.AssessmentError):
        services.booking_create(
            actor=primary_user.user, organisation=organisation, assessment_type=assessment_type(),
            delegates=delegates(other, first.employment), consent=True,
        )  # fmt: skip
    assert Booking.objects.count() == 1 and balance(organisation) == 2


def test_booking_refuses_the_same_delegate_twice_in_one_batch(primary_user):
    give_credits(primary_user.organisation, "hse", 2)
    employment = EmploymentFactory(organisation=primary_user.organisation)
    with pytest.raises(services.AssessmentError, match="chosen twice"):
        services.booking_create(
            actor=primary_user.user, organisation=primary_user.organisation, assessment_type=assessment_type(),
            delegates=delegates(employment, employment), consent=True,
        )  # fmt: skip


def test_booking_refuses_former_and_other_organisations_employees(primary_user):
    organisation = primary_user.organisation
    give_credits(organisation, "hse", 2)
    former = EmploymentFactory(organisation=organisation, left_on=timezone.localdate())
    stranger = EmploymentFactory()
    for employment in (former, stranger):
        with pytest.raises(services.AssessmentError, match="not a current employee"):
            services.booking_create(
                actor=primary_user.user, organisation=organisation, assessment_type=assessment_type(),
                delegates=delegates(employment), consent=True,
            )  # fmt: skip
    assert not Booking.objects.exists()


def test_booking_needs_an_email_and_somebody(primary_user):
    give_credits(primary_user.organisation)
    employment = EmploymentFactory(organisation=primary_user.organisation)
    with pytest.raises(services.AssessmentError, match="Enter an email address"):
        services.booking_create(
            actor=primary_user.user, organisation=primary_user.organisation, assessment_type=assessment_type(),
            delegates=[services.Delegate(employment=employment, email=" ")], consent=True,
        )  # fmt: skip
    with pytest.raises(services.AssessmentError, match="at least one employee"):
        services.booking_create(
            actor=primary_user.user, organisation=primary_user.organisation, assessment_type=assessment_type(),
            delegates=[], consent=True,
        )  # fmt: skip


# --- Cancelling ---------------------------------------------------------------------------------------------------


def test_cancelling_before_the_start_returns_the_credit(primary_user, heard):
    cancelled = heard(booking_cancelled)
    booking = book(primary_user)
    services.booking_invite(booking=booking)
    assert balance(primary_user.organisation) == 0
    services.booking_cancel(booking=booking, actor=primary_user.user)
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED and booking.cancelled_by == primary_user.user
    assert booking.invite_token_hash == ""
    assert balance(primary_user.organisation) == 1
    assert [c["booking"] for c in cancelled] == [booking]
    assert booking.events.last().what == "Cancelled before the delegate started; the credit is returned."


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.SUBMITTED, Status.PASSED, Status.CANCELLED])
def test_cancelling_is_refused_once_started_or_over(primary_user, status):
    booking = book(primary_user)
    Booking.objects.filter(pk=booking.pk).update(status=status)
    with pytest.raises(services.AssessmentError, match="cannot be cancelled"):
        services.booking_cancel(booking=booking, actor=primary_user.user)
    assert balance(primary_user.organisation) == 0


# --- The delegate's link ------------------------------------------------------------------------------------------


def test_invite_issues_a_single_link_valid_for_30_days(primary_user):
    booking = book(primary_user)
    token = services.booking_invite(booking=booking)
    booking.refresh_from_db()
    assert booking.status == Status.INVITED and token not in booking.invite_token_hash
    assert booking.invite_expires_at - booking.invite_sent_at == timedelta(days=30)
    assert selectors.booking_by_token(token=token) == booking
    assert selectors.invite_usable(booking) == (True, "")
    newer = services.booking_invite(booking=booking)  # a new link replaces the first
    assert selectors.booking_by_token(token=token) is None and selectors.booking_by_token(token=newer) == booking
    later = booking.invite_expires_at + timedelta(seconds=1)
    usable, why = selectors.invite_usable(booking, now=later)
    assert not usable and "expired" in why


def test_expiry_only_after_30_days_and_only_when_not_started(primary_user):
    booking = book(primary_user)
    services.booking_invite(booking=booking)
    booking.refresh_from_db()
    assert not services.booking_expire(booking=booking)
    assert services.booking_expire(booking=booking, now=booking.invite_expires_at + timedelta(minutes=1))
    booking.refresh_from_db()
    assert booking.status == Status.EXPIRED
    assert balance(primary_user.organisation) == 0  # the credit was used
    assert not services.booking_expire(booking=booking, now=booking.invite_expires_at + timedelta(days=1))


def test_reminder_is_recorded_once(primary_user):
    booking = book(primary_user)
    services.booking_invite(booking=booking)
    services.booking_remind(booking=booking)
    services.booking_remind(booking=booking)
    assert booking.events.filter(what="Reminder sent to the delegate.").count() == 1


def test_void_needs_a_reason_and_a_sitting_in_progress(primary_user):
    booking = book(primary_user)
    with pytest.raises(services.AssessmentError, match="Booking"):
        services.booking_void(booking=booking, actor=primary_user.user, reason="ID did not match")
    with pytest.raises(services.AssessmentError) as caught:
        services.booking_void(booking=booking, actor=primary_user.user, reason="")
    assert caught.value.field == "reason"
    Booking.objects.filter(pk=booking.pk).update(status=Status.SUBMITTED)
    services.booking_void(booking=booking, actor=primary_user.user, reason="ID did not match")
    booking.refresh_from_db()
    assert booking.status == Status.VOIDED
    assert booking.events.last().what == "Voided by the invigilator: ID did not match."
