"""Orders: create, add applications, close, cancel, advance credits; paid from funds, marked for BACS, marked paid."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications.services import (
    ApplicationError,
    card_application_mark_ordered,
    card_application_payment_received,
    card_application_release_from_order,
)
from portal.integrations import stripe_payments
from portal.orders.models import (
    CREDIT_PENCE,
    CardPrice,
    FundsLedgerEntry,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
)
from portal.orders.selectors import card_application_price, order_totals, payment_methods_for
from portal.orders.services.funds import funds_credit, funds_debit
from portal.orders.signals import order_paid
from portal.organisations.models import Office, Organisation

Status = Order.Status
Method = Order.Method


class OrderError(Exception):
    """A rule refused the change; the message is for the user, shown beside `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _event(order: Order, *, actor: User | None, what: str, to_status: str | None = None) -> None:
    """Record a change to `order`, moving it to `to_status` when given (the caller saves its other fields)."""
    before = order.status
    if to_status is not None:
        order.status = to_status
        order.save(update_fields=["status"])
    OrderEvent.objects.create(order=order, actor=actor, from_status=before, to_status=order.status, what=what)


def _new_reference() -> str:
    while True:
        reference = f"ECS{secrets.randbelow(9_000_000) + 1_000_000:07d}"
        if not Order.objects.filter(reference=reference).exists():
            return reference


def _check_offices(organisation: Organisation, *offices: Office | None) -> None:
    for office in offices:
        if office is not None and (office.organisation_id != organisation.pk or not office.is_open):
            raise OrderError(f"{office.name} is not an open office of {organisation.name}.")


def locked_order(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def require_payable(order: Order) -> None:
    if order.status == Status.PAID:
        raise OrderError(f"Order {order.your_reference} is already paid.")
    if not order.is_payable:
        raise OrderError(f"Order {order.your_reference} is {order.get_status_display().lower()}: close it first.")


def require_method(order: Order, *, portal_user, method: Method) -> None:
    """Refuse unless `method` is offered to this user for this order (payment_methods_for), with its reason."""
    require_payable(order)
    option = payment_methods_for(order=order, portal_user=portal_user)[method]
    if not option.offered:
        raise OrderError(option.reason, field="method")


def order_create(
    *,
    actor: User,
    organisation: Organisation,
    your_reference: str,
    office: Office,
    billing_office: Office,
    deliver_to: Office | None,
    accounts_contact: str,
    delivery_attention: str = "",
    kind: str = Order.Kind.CARD_APPLICATIONS,
) -> Order:
    """A new open order (empty until applications are added)."""
    _check_offices(organisation, office, billing_office, deliver_to)
    with transaction.atomic():
        order = Order.objects.create(
            organisation=organisation,
            kind=kind,
            reference=_new_reference(),
            your_reference=your_reference.strip(),
            office=office,
            billing_office=billing_office,
            deliver_to=deliver_to,
            accounts_contact=accounts_contact.strip(),
            delivery_attention=delivery_attention.strip(),
            created_by=actor,
        )
        OrderEvent.objects.create(order=order, actor=actor, to_status=order.status, what="Order created.")
        return order


def order_add_applications(*, order: Order, applications, actor: User) -> list[OrderLine]:
    """Add finalised applications to an open card order, each at today's price (frozen on the line).

    All or nothing: if one application cannot be ordered, none is added."""
    with transaction.atomic():
        order = locked_order(order)
        if order.kind != Order.Kind.CARD_APPLICATIONS or order.status != Status.OPEN:
            raise OrderError(f"Order {order.your_reference} is not open for card applications.")
        lines = []
        member = order.organisation.is_jib_member
        for application in applications:
            if application.organisation_id != order.organisation_id:
                raise OrderError(f"Application {application.reference} is not one of {order.organisation.name}'s.")
            try:
                card_application_mark_ordered(application=application, actor=actor)
            except ApplicationError as exc:
                raise OrderError(str(exc)) from None
            try:
                price = card_application_price(
                    card_type=application.card_type, application_type=application.application_type, jib_member=member
                )
            except CardPrice.DoesNotExist:
                raise OrderError(f"There is no price for {application.type_label}.") from None
            try:
                with transaction.atomic():
                    lines.append(
                        OrderLine.objects.create(
                            order=order,
                            kind=OrderLine.Kind.CARD_APPLICATION,
                            application=application,
                            description=f"{application.type_label} for {application.operative}",
                            unit_price_pence=price.gross_pence,
                            discount_pence=price.discount_pence,
                            vat_pence=price.vat_pence,
                            total_pence=price.gross_pence,
                            added_by=actor,
                        )
                    )
            except IntegrityError:
                raise OrderError(f"Application {application.reference} is already in an order.") from None
        added = ", ".join(line.application.reference for line in lines)
        _event(order, actor=actor, what=f"Added: {added}.")
        return lines


def order_close(*, order: Order, actor: User) -> Order:
    """Close an open order: nothing more is added; it awaits payment."""
    with transaction.atomic():
        order = locked_order(order)
        if order.status != Status.OPEN:
            raise OrderError(f"Order {order.your_reference} is not open.")
        if not order.lines.filter(live=True).exists():
            raise OrderError("An order with nothing in it cannot be closed. Add applications first.")
        order.closed_at = timezone.now()
        order.save(update_fields=["closed_at"])
        _event(order, actor=actor, what="Closed: awaiting payment.", to_status=Status.AWAITING_PAYMENT)
        return order


def order_cancel(*, order: Order, actor: User) -> Order:
    """Cancel an unpaid order: its applications await ordering again. A card payment in progress is cancelled."""
    with transaction.atomic():
        order = locked_order(order)
        if not order.is_unpaid:
            raise OrderError(
                f"Order {order.your_reference} is {order.get_status_display().lower()}: it cannot be cancelled."
            )
        if order.payment_intent_id:
            intent = stripe_payments.intent_retrieve(intent_id=order.payment_intent_id)
            if intent.status in ("succeeded", "processing", "requires_capture"):
                raise OrderError("A card payment for this order has been taken and is being confirmed.")
            if intent.status != "canceled":
                stripe_payments.intent_cancel(intent_id=intent.id)
        for line in order.lines.filter(live=True).select_related("application"):
            if line.application is not None:
                card_application_release_from_order(application=line.application, actor=actor)
        order.lines.filter(live=True).update(live=False)
        order.cancelled_at = timezone.now()
        order.save(update_fields=["cancelled_at"])
        _event(order, actor=actor, what="Cancelled; its applications await ordering again.", to_status=Status.CANCELLED)
        return order


def order_create_advance(
    *,
    actor: User,
    organisation: Organisation,
    credits: int,
    your_reference: str,
    office: Office,
    billing_office: Office,
    accounts_contact: str,
) -> Order:
    """An advance order: credits of £250 each for the funds held on account, closed and awaiting payment."""
    if credits < 1:
        raise OrderError("Buy at least 1 credit.", field="credits")
    with transaction.atomic():
        order = order_create(
            actor=actor,
            organisation=organisation,
            your_reference=your_reference,
            office=office,
            billing_office=billing_office,
            deliver_to=None,
            accounts_contact=accounts_contact,
            kind=Order.Kind.ADVANCE,
        )
        OrderLine.objects.create(
            order=order,
            kind=OrderLine.Kind.ADVANCE_CREDIT,
            description=OrderLine.Kind.ADVANCE_CREDIT.label,
            quantity=credits,
            unit_price_pence=CREDIT_PENCE,
            total_pence=CREDIT_PENCE * credits,
            added_by=actor,
        )
        order.closed_at = timezone.now()
        order.save(update_fields=["closed_at"])
        _event(
            order, actor=actor, what=f"{credits} credit{'s' if credits != 1 else ''} to buy: awaiting payment.",
            to_status=Status.AWAITING_PAYMENT,
        )  # fmt: skip
        return order


def order_mark_paid(
    *, order: Order, method: str, amount_pence: int, source_reference: str, actor: User | None = None
) -> bool:
    """Record the order's payment and set its work going. Idempotent: a second report returns False.

    Card orders: each application is told it is paid (the JIB's part starts).
    Advance orders: the credits go to the funds on account (ADVANCE_PAYMENT by card, BACS_ALLOCATION by BACS)."""
    with transaction.atomic():
        order = locked_order(order)
        if Payment.objects.filter(order=order).exists():
            return False
        totals = order_totals(order=order)
        if amount_pence != totals.total_pence:
            raise OrderError(f"£{amount_pence / 100:,.2f} received does not match the order total.")
        payment = Payment.objects.create(
            order=order,
            method=method,
            amount_pence=amount_pence,
            vat_pence=totals.vat_pence,
            source_reference=source_reference,
            recorded_by=actor,
        )
        order.paid_at = timezone.now()
        order.save(update_fields=["paid_at"])
        _event(
            order, actor=actor, what=f"Paid: £{amount_pence / 100:,.2f} by {Method(method).label.lower()}.",
            to_status=Status.PAID,
        )  # fmt: skip
        if order.kind == Order.Kind.ADVANCE:
            kind = (
                FundsLedgerEntry.Kind.BACS_ALLOCATION
                if method == Method.BACS
                else FundsLedgerEntry.Kind.ADVANCE_PAYMENT
            )
            funds_credit(
                organisation=order.organisation,
                amount_pence=amount_pence,
                kind=kind,
                reference=order.reference,
                actor=actor,
            )
        else:
            for line in order.lines.filter(live=True, application__isnull=False).select_related("application"):
                card_application_payment_received(application=line.application, actor=actor)
        order_paid.send(sender=Order, order=order, payment=payment, actor=actor)
        return True


def order_pay_from_funds(*, order: Order, portal_user) -> Payment:
    """Pay a closed card order from the funds held on account; the balance never goes below zero."""
    actor = portal_user.user
    with transaction.atomic():
        order = locked_order(order)
        require_method(order, portal_user=portal_user, method=Method.FUNDS)
        total = order_totals(order=order).total_pence
        entry = funds_debit(organisation=order.organisation, amount_pence=total, reference=order.reference, actor=actor)
        order_mark_paid(
            order=order, method=Method.FUNDS, amount_pence=total, source_reference=f"ledger:{entry.pk}", actor=actor
        )
        return Payment.objects.get(order=order)


def order_mark_for_bacs(*, order: Order, portal_user) -> Order:
    """The payer will pay by bank transfer quoting the order's ECS reference: the order waits for allocation."""
    with transaction.atomic():
        order = locked_order(order)
        require_method(order, portal_user=portal_user, method=Method.BACS)
        order.bacs_marked_at = timezone.now()
        order.save(update_fields=["bacs_marked_at"])
        _event(order, actor=portal_user.user, what="Marked for payment by BACS.", to_status=Status.AWAITING_BACS)
        return order


def order_place_applications(
    *, actor: User, organisation: Organisation, applications, order: Order | None, new_order: dict | None, close: bool
) -> Order:
    """ADD APPLICATIONS TO A PURCHASE: into `order`, or into a new order made from `new_order` (the six fields);
    then close it (to pay now or later) or leave it open. All or nothing."""
    with transaction.atomic():
        if order is None:
            order = order_create(actor=actor, organisation=organisation, **new_order)
        order_add_applications(order=order, applications=applications, actor=actor)
        if close:
            order = order_close(order=order, actor=actor)
        return order
