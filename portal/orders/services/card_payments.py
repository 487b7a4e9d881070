"""Card payments: the order's Stripe PaymentIntent and Stripe's webhook events."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.integrations import stripe_payments
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable
from portal.orders.models import Order, OrderEvent, StripeEvent
from portal.orders.selectors import order_totals
from portal.orders.services.orders import OrderError, locked_order, order_mark_paid, require_method

log = logging.getLogger(__name__)
Status = Order.Status
Method = Order.Method


def order_card_payment_start(*, order: Order, portal_user) -> stripe_payments.Intent:
    """The order's PaymentIntent: created once, with an idempotency key per order and the order in its metadata.

    Two clicks on Pay (even at once) give one intent: the order row is locked while it is looked up or created,
    and Stripe itself returns the same intent for the same key."""
    with transaction.atomic():
        order = locked_order(order)
        require_method(order, portal_user=portal_user, method=Method.CARD)
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
        OrderEvent.objects.create(
            order=order, actor=portal_user.user, from_status=order.status, to_status=order.status,
            what=f"Card payment of £{total / 100:,.2f} started.",
        )  # fmt: skip
        # A webhook that came before this transaction committed is waiting: apply it once the order is visible.
        transaction.on_commit(lambda: stripe_events_apply_pending(payment_intent_id=intent.id))
        return intent


def order_pay_with_test_card(
    *, order: Order, portal_user, number: str, exp_month: int, exp_year: int, cvc: str
) -> stripe_payments.Intent:
    """Sandbox only: confirm the order's intent with a test card. The order is marked paid by the webhook."""
    intent = order_card_payment_start(order=order, portal_user=portal_user)
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
