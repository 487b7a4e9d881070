"""Funds held on account (an append-only ledger whose balance can never go below zero), orders, and payments."""

import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.integrations import stripe_payments
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable
from portal.orders.models import (
    BankStatement,
    BankTransfer,
    CardPrice,
    FundsAccount,
    FundsLedgerEntry,
    Order,
    OrderLine,
    Payment,
    StripeEvent,
)
from portal.orders.selectors import card_application_price, order_totals
from portal.organisations.models import Office, Organisation

Kind = FundsLedgerEntry.Kind


class InsufficientFunds(Exception):
    def __init__(self, *, balance_pence: int, needed_pence: int):
        super().__init__(
            f"The funds held on account (£{balance_pence / 100:,.2f}) do not cover £{needed_pence / 100:,.2f}."
        )
        self.balance_pence = balance_pence
        self.needed_pence = needed_pence


def _locked_account(organisation: Organisation) -> FundsAccount:
    FundsAccount.objects.get_or_create(organisation=organisation)
    return FundsAccount.objects.select_for_update().get(organisation=organisation)


def _move(*, organisation, amount_pence: int, kind: str, reference: str, actor) -> FundsLedgerEntry:
    with transaction.atomic():
        account = _locked_account(organisation)
        existing = FundsLedgerEntry.objects.filter(account=account, kind=kind, reference=reference).first()
        if existing is not None:
            return existing  # the same payment or allocation recorded twice counts once
        if account.balance_pence + amount_pence < 0:
            raise InsufficientFunds(balance_pence=account.balance_pence, needed_pence=-amount_pence)
        account.balance_pence += amount_pence
        account.save(update_fields=["balance_pence"])
        return FundsLedgerEntry.objects.create(
            account=account,
            kind=kind,
            amount_pence=amount_pence,
            balance_after_pence=account.balance_pence,
            reference=reference,
            recorded_by=actor,
        )


def funds_credit(
    *, organisation: Organisation, amount_pence: int, kind: str, reference: str, actor: User | None = None
) -> FundsLedgerEntry:
    if amount_pence <= 0:
        raise ValueError("A credit must be a positive amount.")
    return _move(organisation=organisation, amount_pence=amount_pence, kind=kind, reference=reference, actor=actor)


def funds_debit(
    *, organisation: Organisation, amount_pence: int, reference: str, actor: User | None = None
) -> FundsLedgerEntry:
    """Pay from funds. Raises InsufficientFunds, however many users pay at once (the balance row is locked)."""
    if amount_pence <= 0:
        raise ValueError("A payment must be a positive amount.")
    return _move(
        organisation=organisation, amount_pence=-amount_pence, kind=Kind.ORDER_PAYMENT, reference=reference, actor=actor
    )


def funds_balance(*, organisation: Organisation) -> int:
    return FundsAccount.objects.filter(organisation=organisation).values_list("balance_pence", flat=True).first() or 0


# ---------------------------------------------------------------------------------------------------------------
# Orders: create, add applications, close, cancel; payment by funds, card (Stripe) and BACS.
# ---------------------------------------------------------------------------------------------------------------


log = logging.getLogger(__name__)
Status = Order.Status
Method = Order.Method
CREDIT_PENCE = 25_000  # one advance credit: £250
BACS_MINIMUM_PENCE = 25_000  # BACS is offered for orders of £250 or more


class OrderError(Exception):
    """A rule refused the change; the message is for the user."""


def _new_reference() -> str:
    while True:
        reference = f"ECS{secrets.randbelow(9_000_000) + 1_000_000:07d}"
        if not Order.objects.filter(reference=reference).exists():
            return reference


def _check_offices(organisation: Organisation, *offices: Office | None) -> None:
    for office in offices:
        if office is not None and (office.organisation_id != organisation.pk or not office.is_open):
            raise OrderError(f"{office.name} is not an open office of {organisation.name}.")


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
    return Order.objects.create(
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


def _locked_order(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def order_add_applications(*, order: Order, applications, actor: User) -> list[OrderLine]:
    """Add finalised applications to an open card order, each at today's price (frozen on the line).

    All or nothing: if one application cannot be ordered, none is added."""
    from portal.applications.services import ApplicationError, card_application_mark_ordered

    with transaction.atomic():
        order = _locked_order(order)
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
        return lines


def order_close(*, order: Order, actor: User) -> Order:
    """Close an open order: nothing more is added; it awaits payment."""
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != Status.OPEN:
            raise OrderError(f"Order {order.your_reference} is not open.")
        if not order.lines.filter(live=True).exists():
            raise OrderError("An order with nothing in it cannot be closed. Add applications first.")
        order.status = Status.AWAITING_PAYMENT
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at"])
        return order


def order_cancel(*, order: Order, actor: User) -> Order:
    """Cancel an unpaid order: its applications await ordering again. A card payment in progress is cancelled."""
    from portal.applications.services import card_application_release_from_order

    with transaction.atomic():
        order = _locked_order(order)
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
        order.status = Status.CANCELLED
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at"])
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
        raise OrderError("Buy at least 1 credit.")
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
        order.status = Status.AWAITING_PAYMENT
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at"])
        return order


def _payable(order: Order) -> None:
    if order.status == Status.PAID:
        raise OrderError(f"Order {order.your_reference} is already paid.")
    if order.status not in (Status.AWAITING_PAYMENT, Status.AWAITING_BACS):
        raise OrderError(f"Order {order.your_reference} is {order.get_status_display().lower()}: close it first.")


def order_mark_paid(
    *, order: Order, method: str, amount_pence: int, source_reference: str, actor: User | None = None
) -> bool:
    """Record the order's payment and set its work going. Idempotent: a second report returns False.

    Card orders: every application's wait step is completed (the JIB's part starts).
    Advance orders: the credits go to the funds on account (ADVANCE_PAYMENT by card, BACS_ALLOCATION by BACS)."""
    from portal.applications.services import card_application_payment_received

    with transaction.atomic():
        order = _locked_order(order)
        if Payment.objects.filter(order=order).exists():
            return False
        totals = order_totals(order=order)
        if amount_pence != totals.total_pence:
            raise OrderError(f"£{amount_pence / 100:,.2f} received does not match the order total.")
        Payment.objects.create(
            order=order,
            method=method,
            amount_pence=amount_pence,
            vat_pence=totals.vat_pence,
            source_reference=source_reference,
            recorded_by=actor,
        )
        order.status = Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at"])
        if order.kind == Order.Kind.ADVANCE:
            kind = Kind.BACS_ALLOCATION if method == Method.BACS else Kind.ADVANCE_PAYMENT
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
        return True


def order_pay_from_funds(*, order: Order, actor: User) -> Payment:
    """Pay a closed card order from the funds held on account; the balance never goes below zero."""
    with transaction.atomic():
        order = _locked_order(order)
        _payable(order)
        if order.kind == Order.Kind.ADVANCE:
            raise OrderError("Credits cannot be bought with funds held on account.")
        total = order_totals(order=order).total_pence
        entry = funds_debit(organisation=order.organisation, amount_pence=total, reference=order.reference, actor=actor)
        order_mark_paid(
            order=order, method=Method.FUNDS, amount_pence=total, source_reference=f"ledger:{entry.pk}", actor=actor
        )
        return Payment.objects.get(order=order)


def order_mark_for_bacs(*, order: Order, actor: User) -> Order:
    """The payer will pay by bank transfer quoting the order's ECS reference: the order waits for allocation."""
    with transaction.atomic():
        order = _locked_order(order)
        _payable(order)
        if order_totals(order=order).total_pence < BACS_MINIMUM_PENCE:
            raise OrderError("BACS is available for orders of £250 or more.")
        order.status = Status.AWAITING_BACS
        order.bacs_marked_at = timezone.now()
        order.save(update_fields=["status", "bacs_marked_at"])
        return order


# --- Card payments (Stripe PaymentIntents) ---------------------------------------------------------------------


def order_card_payment_start(*, order: Order, actor: User) -> stripe_payments.Intent:
    """The order's PaymentIntent: created once, with an idempotency key per order and the order in its metadata.

    Two clicks on Pay (even at once) give one intent: the order row is locked while it is looked up or created,
    and Stripe itself returns the same intent for the same key."""
    with transaction.atomic():
        order = _locked_order(order)
        _payable(order)
        total = order_totals(order=order).total_pence
        if order.payment_intent_id:
            intent = stripe_payments.intent_retrieve(intent_id=order.payment_intent_id)
            if intent.status != "canceled" and intent.amount_pence == total:
                return intent
        intent = stripe_payments.intent_create(
            amount_pence=total,
            metadata={"order_id": str(order.pk), "order_reference": order.reference},
            idempotency_key=f"order-{order.reference}-{total}-{order.payment_intent_id or 'first'}",
            description=f"ECS order {order.reference} ({order.your_reference})",
        )
        order.payment_intent_id = intent.id
        order.save(update_fields=["payment_intent_id"])
        # A webhook that came before this transaction committed is waiting: apply it once the order is visible.
        transaction.on_commit(lambda: stripe_events_apply_pending(payment_intent_id=intent.id))
        return intent


def order_pay_with_test_card(
    *, order: Order, actor: User, number: str, exp_month: int, exp_year: int, cvc: str
) -> stripe_payments.Intent:
    """Sandbox only: confirm the order's intent with a test card. The order is marked paid by the webhook."""
    intent = order_card_payment_start(order=order, actor=actor)
    if intent.status == "succeeded":
        return intent
    return stripe_payments.intent_pay_with_test_card(
        intent_id=intent.id, number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc
    )


def stripe_event_receive(*, event: stripe_payments.Event) -> StripeEvent:
    """Store a verified webhook event once (by its id), then apply it. A repeated delivery changes nothing."""
    try:
        with transaction.atomic():
            stored, _ = StripeEvent.objects.get_or_create(
                event_id=event.id,
                defaults={
                    "type": event.type,
                    "payment_intent_id": event.object_id if event.type.startswith("payment_intent.") else "",
                    "amount_pence": event.amount_pence,
                    "currency": event.currency,
                    "metadata": event.metadata,
                },
            )
    except IntegrityError:  # the same event delivered twice at the same moment
        stored = StripeEvent.objects.get(event_id=event.id)
    if stored.processed_at is None:
        stored = stripe_event_apply(event=stored)
    return stored


def stripe_event_apply(*, event: StripeEvent) -> StripeEvent:
    """Apply a stored event, once. payment_intent.succeeded marks the order paid; while the order is not yet
    visible (its transaction has not committed) the event stays pending and is applied later."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event.pk)
        if event.processed_at is not None:
            return event
        if event.type != "payment_intent.succeeded":
            outcome = "Card payment failed; the order is unchanged." if event.type.endswith("failed") else "Ignored."
        else:
            order = Order.objects.filter(payment_intent_id=event.payment_intent_id).first()
            if order is None and event.metadata.get("order_id"):
                return event  # pending: applied when the order's transaction commits, or by the next delivery
            if order is None:
                outcome = "Ignored: not a payment for an order."
            elif event.currency.lower() != "gbp":
                outcome = f"Not applied: paid in {event.currency}."
            elif order.status == Status.CANCELLED:
                outcome = f"Not applied: order {order.reference} was cancelled; the payment is to be refunded."
            else:
                try:
                    paid = order_mark_paid(
                        order=order, method=Method.CARD, amount_pence=event.amount_pence or 0,
                        source_reference=event.payment_intent_id,
                    )  # fmt: skip
                    outcome = f"Order {order.reference} paid." if paid else f"Order {order.reference} was already paid."
                except OrderError as exc:
                    outcome = f"Not applied: {exc}"
        if outcome.startswith("Not applied"):
            log.warning("Stripe event %s for %s: %s", event.event_id, event.payment_intent_id, outcome)
        event.processed_at = timezone.now()
        event.outcome = outcome[:200]
        event.save(update_fields=["processed_at", "outcome"])
        return event


def stripe_events_apply_pending(*, payment_intent_id: str | None = None) -> int:
    """Apply the events still waiting for their order (all of them, or one intent's). Returns how many were applied."""
    pending = StripeEvent.objects.filter(processed_at__isnull=True)
    if payment_intent_id:
        pending = pending.filter(payment_intent_id=payment_intent_id)
    applied = 0
    for event in pending:
        try:
            if stripe_event_apply(event=event).processed_at is not None:
                applied += 1
        except (ExternalServiceUnavailable, ExternalServiceRejected):  # pragma: no cover - nothing calls out here
            continue
    return applied


# --- BACS transfers ---------------------------------------------------------------------------------------------


def bank_transfer_match(*, transfer: BankTransfer) -> BankTransfer:
    """Match a received transfer to its order by the ECS reference: exactly the total pays the order; a
    different amount, an unknown reference or an order not waiting for payment is left to the finance team."""
    with transaction.atomic():
        transfer = BankTransfer.objects.select_for_update().get(pk=transfer.pk)
        order = Order.objects.filter(reference=transfer.reference_found).first() if transfer.reference_found else None
        if order is None or not order.is_unpaid or order.status == Status.OPEN:
            transfer.status = BankTransfer.Status.UNMATCHED
            transfer.order = order
            transfer.save(update_fields=["status", "order"])
            return transfer
        transfer.order = order
        transfer.difference_pence = transfer.amount_pence - order_totals(order=order).total_pence
        if transfer.difference_pence == 0:
            order_mark_paid(
                order=order, method=Method.BACS, amount_pence=transfer.amount_pence,
                source_reference=f"bank:{transfer.pk}",
            )  # fmt: skip
            transfer.status = BankTransfer.Status.MATCHED
        else:
            transfer.status = (
                BankTransfer.Status.OVERPAID if transfer.difference_pence > 0 else BankTransfer.Status.UNDERPAID
            )
        transfer.save(update_fields=["status", "order", "difference_pence"])
        return transfer


def bank_transfer_allocate(
    *, transfer: BankTransfer, actor: User, decision: str, order: Order | None = None, note: str = ""
) -> BankTransfer:
    """The finance team's decision on a transfer the import could not settle.

    - "allocate": the transfer pays `order` (an underpayment accepted with a note; an overpayment's excess goes
      to the organisation's funds on account);
    - "credit": the whole amount goes to `order`'s organisation's funds on account (BACS_ALLOCATION);
    - "return": not ours, or to be sent back; nothing is paid."""
    with transaction.atomic():
        transfer = BankTransfer.objects.select_for_update().get(pk=transfer.pk)
        if not transfer.needs_finance:
            raise OrderError("This transfer has already been dealt with.")
        if decision in ("allocate", "credit") and order is None:
            raise OrderError("Choose the order the transfer is for.")
        if decision == "allocate":
            order = _locked_order(order)
            _payable(order)
            total = order_totals(order=order).total_pence
            if transfer.amount_pence < total and not note.strip():
                raise OrderError("Say why the shortfall is accepted.")
            order_mark_paid(
                order=order, method=Method.BACS, amount_pence=total, source_reference=f"bank:{transfer.pk}", actor=actor
            )
            if transfer.amount_pence > total:
                funds_credit(
                    organisation=order.organisation, amount_pence=transfer.amount_pence - total,
                    kind=Kind.BACS_ALLOCATION, reference=f"{order.reference}-excess", actor=actor,
                )  # fmt: skip
            transfer.status = BankTransfer.Status.ALLOCATED
            transfer.difference_pence = transfer.amount_pence - total
        elif decision == "credit":
            funds_credit(
                organisation=order.organisation, amount_pence=transfer.amount_pence, kind=Kind.BACS_ALLOCATION,
                reference=f"BANK-{transfer.pk}", actor=actor,
            )  # fmt: skip
            transfer.status = BankTransfer.Status.CREDITED
        elif decision == "return":
            if not note.strip():
                raise OrderError("Say why the transfer is not allocated.")
            transfer.status = BankTransfer.Status.RETURNED
        else:
            raise OrderError("Choose what to do with the transfer.")
        transfer.order = order
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.note = note.strip()
        transfer.save()
        return transfer


class StatementError(Exception):
    """The bank statement cannot be read; the message says where."""


REFERENCE_PATTERN = r"ECS\s?(\d{7})"
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %b %Y")


def _statement_rows(content: str) -> list[dict]:
    import csv
    import io
    import re
    from datetime import datetime
    from decimal import Decimal, InvalidOperation

    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    fields = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    amount_field = next((fields[f] for f in ("amount", "credit", "paid in") if f in fields), None)
    description_field = next((fields[f] for f in ("description", "reference", "details") if f in fields), None)
    date_field = fields.get("date")
    if not (amount_field and description_field and date_field):
        raise StatementError("The statement needs the columns Date, Description and Amount (or Credit / Paid in).")
    rows = []
    for number, row in enumerate(reader, start=2):
        raw_amount = (row.get(amount_field) or "").replace("£", "").replace(",", "").strip()
        if not raw_amount:
            continue  # a debit line in a statement with separate credit and debit columns
        try:
            amount = Decimal(raw_amount)
        except InvalidOperation:
            raise StatementError(f"Line {number}: “{raw_amount}” is not an amount.") from None
        if amount <= 0:
            continue  # money going out is not a transfer received
        raw_date = (row.get(date_field) or "").strip()
        for date_format in DATE_FORMATS:
            try:
                posted_on = datetime.strptime(raw_date, date_format).date()
                break
            except ValueError:
                continue
        else:
            raise StatementError(f"Line {number}: “{raw_date}” is not a date.")
        description = (row.get(description_field) or "").strip()
        found = re.search(REFERENCE_PATTERN, description.upper())
        rows.append(
            {
                "line_number": number,
                "posted_on": posted_on,
                "description": description[:300],
                "amount_pence": int((amount * 100).to_integral_value()),
                "reference_found": f"ECS{found.group(1)}" if found else "",
            }
        )
    return rows


def bank_statement_import(*, content: str, name: str, actor: User | None = None) -> BankStatement:
    """Read a bank statement (CSV), record each credit once, match ECS references to orders, and hand every
    transfer it cannot settle to the finance team (a BACS allocation task each)."""
    import hashlib
    from collections import Counter

    from workflows.bacs_allocation.flows import BacsAllocationFlow

    rows = _statement_rows(content)
    seen: Counter = Counter()
    with transaction.atomic():
        statement = BankStatement.objects.create(name=name[:200], imported_by=actor, lines_read=len(rows))
        for row in rows:
            key = f"{row['posted_on']}|{row['description']}|{row['amount_pence']}"
            seen[key] += 1  # two identical lines on one day are two transfers
            fingerprint = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()
            if BankTransfer.objects.filter(fingerprint=fingerprint).exists():
                continue  # imported before
            transfer = BankTransfer.objects.create(
                statement=statement, fingerprint=fingerprint, status=BankTransfer.Status.UNMATCHED, **row
            )
            transfer = bank_transfer_match(transfer=transfer)
            if transfer.needs_finance:
                BacsAllocationFlow.start.run(artifact=transfer)
    return statement


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
