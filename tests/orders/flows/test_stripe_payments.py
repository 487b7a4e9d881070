"""Card payments through Stripe PaymentIntents against localstripe: one intent per order however many clicks,
the order paid only by a verified webhook, each event once, late duplicates, bad signatures, declined cards, and
a webhook that arrives before the order's transaction commits."""

import threading
import time

import pytest
import stripe
from django.db import connections, transaction
from django.test import Client

from portal.applications.models import CardApplication
from portal.integrations import stripe_payments
from portal.integrations.errors import ExternalServiceUnavailable
from portal.orders import selectors, services
from portal.orders.models import FundsLedgerEntry, Order, Payment, StripeEvent
from tests.factories_orders import make_order
from tests.stripe_fixtures import (
    finalised_application,
    own_card_type,
    payment_intent_event,
    requires_postgresql,
    sign_event,
)

Status = CardApplication.Status
WEBHOOK = "/portal/orders/stripe/webhook/"


def deliver(payload, *, secret=None):
    """POST an event to the webhook as Stripe does: no session, no CSRF token."""
    body, signature = sign_event(payload, **({"secret": secret} if secret else {}))
    return Client(enforce_csrf_checks=True).post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def intents_for(order) -> list:
    stripe.api_base = stripe_payments.settings.STRIPE_API_BASE
    stripe.api_key = stripe_payments.settings.STRIPE_SECRET_KEY
    return [
        i
        for i in stripe.PaymentIntent.list(limit=100).data
        if i.to_dict()["metadata"].get("order_reference") == order.reference
    ]


@pytest.fixture
def order(db, primary_user):
    return make_order(primary_user, [finalised_application(portal_user=primary_user) for _ in range(2)])


@pytest.mark.django_db
def test_sandbox_is_detected(settings):
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    assert not stripe_payments.sandbox_in_use()
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    assert stripe_payments.sandbox_in_use()


@pytest.mark.django_db
def test_two_clicks_on_pay_make_one_intent_and_one_charge(portal_client, order, stripe_sandbox):
    first = portal_client.get(f"/portal/orders/{order.pk}/pay/card/")
    second = portal_client.get(f"/portal/orders/{order.pk}/pay/card/")
    assert first.status_code == second.status_code == 200
    assert "Card number" in first.text and "4000000000000002 is declined" in first.text
    assert intents_for(order) == []  # opening the page creates nothing at Stripe
    card = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    assert portal_client.post(f"/portal/orders/{order.pk}/pay/card/", card).status_code == 302
    assert portal_client.post(f"/portal/orders/{order.pk}/pay/card/", card).status_code == 302  # a second click
    order.refresh_from_db()
    intents = intents_for(order)
    assert len(intents) == 1 and intents[0].id == order.payment_intent_id
    assert intents[0].amount == 6_000 and intents[0].currency == "gbp"
    assert intents[0].metadata["order_reference"] == order.reference
    assert len(intents) == 1 and intents[0].status == "succeeded"
    assert [c.payment_intent for c in stripe.Charge.list(limit=100).data].count(intents[0].id) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT  # paid only when the webhook says so
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_same_idempotency_key_is_sent_for_the_same_order(order, primary_user, stripe_sandbox, monkeypatch):
    keys = []
    real = stripe_payments.intent_create

    def spy(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return real(**kwargs)

    monkeypatch.setattr(stripe_payments, "intent_create", spy)
    services.order_card_payment_start(order=order, portal_user=primary_user)
    Order.objects.filter(pk=order.pk).update(payment_intent_id="")  # as if the first answer was lost
    services.order_card_payment_start(order=order, portal_user=primary_user)
    assert len(keys) == 2 and keys[0] == keys[1] and order.reference in keys[0]


@pytest.mark.django_db
def test_declined_card_leaves_the_order_unchanged(portal_client, order, stripe_sandbox):
    card = {"number": "4000000000000002", "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    response = portal_client.post(f"/portal/orders/{order.pk}/pay/card/", card)
    assert response.status_code == 200
    assert "Your card was declined." in response.text and "Nothing was taken" in response.text
    assert "govuk-error-message" in response.text
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and not Payment.objects.exists()
    assert {a.status for a in CardApplication.objects.all()} == {Status.ORDERED}
    # Another card then goes through on the same intent.
    card["number"] = "4242424242424242"
    assert portal_client.post(f"/portal/orders/{order.pk}/pay/card/", card).status_code == 302
    assert [i.status for i in intents_for(order)] == ["succeeded"]


@pytest.mark.django_db
def test_bad_card_number_is_shown_next_to_the_field(portal_client, order, stripe_sandbox):
    response = portal_client.post(
        f"/portal/orders/{order.pk}/pay/card/", {"number": "4242", "exp_month": "12", "exp_year": "2030", "cvc": "1"}
    )
    assert "Enter the 16 digits of the card number." in response.text and "Enter the 3 digits." in response.text


@pytest.mark.django_db
def test_the_webhook_marks_paid_and_completes_the_wait_step(order, primary_user, stripe_sandbox):
    intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    event = payment_intent_event(event_id="evt_1", intent_id=intent.id, amount_pence=6_000, order_id=order.pk)
    response = deliver(event)
    assert response.status_code == 200 and response.json()["outcome"] == f"Order {order.reference} paid."
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.payment.method == "card"
    assert order.payment.source_reference == intent.id and order.payment.vat_pence == 1_000
    assert {a.status for a in CardApplication.objects.all()} == {Status.RECEIVED}


@pytest.mark.django_db
def test_the_same_webhook_twice_pays_once(order, primary_user, stripe_sandbox):
    intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    event = payment_intent_event(event_id="evt_twice", intent_id=intent.id, amount_pence=6_000, order_id=order.pk)
    assert deliver(event).status_code == 200
    assert deliver(event).status_code == 200
    assert StripeEvent.objects.count() == 1 and Payment.objects.count() == 1
    assert CardApplication.objects.filter(events__what="Payment received.").count() == 2  # once each


@pytest.mark.django_db
def test_a_late_duplicate_event_for_the_same_intent_pays_once(order, primary_user, stripe_sandbox):
    intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    deliver(payment_intent_event(event_id="evt_a", intent_id=intent.id, amount_pence=6_000, order_id=order.pk))
    late = deliver(payment_intent_event(event_id="evt_b", intent_id=intent.id, amount_pence=6_000, order_id=order.pk))
    assert late.status_code == 200 and "already paid" in late.json()["outcome"]
    assert Payment.objects.count() == 1 and StripeEvent.objects.count() == 2
    assert CardApplication.objects.filter(events__what="Payment received.").count() == 2


@pytest.mark.django_db
def test_a_bad_signature_is_400_and_changes_nothing(order, primary_user, stripe_sandbox):
    intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    event = payment_intent_event(event_id="evt_bad", intent_id=intent.id, amount_pence=6_000, order_id=order.pk)
    assert deliver(event, secret="whsec_someone_else").status_code == 400
    body, _ = sign_event(event)
    no_header = Client().post(WEBHOOK, body, content_type="application/json")
    assert no_header.status_code == 400
    _, signature = sign_event(event)
    tampered = payment_intent_event(event_id="evt_bad", intent_id=intent.id, amount_pence=1, order_id=order.pk)
    assert (
        Client()
        .post(WEBHOOK, sign_event(tampered)[0] + b" ", content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
        .status_code
        == 400
    )
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert not StripeEvent.objects.exists() and not Payment.objects.exists()


@pytest.mark.django_db
def test_a_wrong_amount_or_a_failed_payment_does_not_pay(order, primary_user, stripe_sandbox):
    intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    failed = payment_intent_event(
        event_id="evt_f", intent_id=intent.id, amount_pence=6_000, order_id=order.pk,
        type="payment_intent.payment_failed",
    )  # fmt: skip
    assert "failed" in deliver(failed).json()["outcome"]
    wrong = payment_intent_event(event_id="evt_w", intent_id=intent.id, amount_pence=100, order_id=order.pk)
    assert deliver(wrong).json()["outcome"].startswith("Not applied")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and not Payment.objects.exists()


@pytest.mark.django_db
def test_webhook_before_the_order_is_visible_is_kept_and_applied_at_commit(
    order, primary_user, stripe_sandbox, django_capture_on_commit_callbacks
):
    """The event names an intent no order carries yet (its transaction has not committed): stored, answered 503
    (Stripe delivers again), then applied when the order's transaction commits."""
    intent = stripe_payments.intent_create(
        amount_pence=6_000, metadata={"order_id": str(order.pk)}, idempotency_key=f"test-{order.pk}"
    )
    event = payment_intent_event(event_id="evt_early", intent_id=intent.id, amount_pence=6_000, order_id=order.pk)
    response = deliver(event)
    assert response.status_code == 503
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None and not Payment.objects.exists()
    # The order's transaction commits: its on-commit hook applies what waited.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(payment_intent_id=intent.id)
        transaction.on_commit(lambda: services.stripe_events_apply_pending(payment_intent_id=intent.id))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    stored.refresh_from_db()
    assert stored.processed_at is not None
    # Stripe's retry of the same event changes nothing more.
    assert deliver(event).status_code == 200 and Payment.objects.count() == 1


@pytest.mark.django_db
def test_starting_a_card_payment_applies_waiting_events_at_commit(
    order, primary_user, stripe_sandbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    StripeEvent.objects.create(
        event_id="evt_waiting", type="payment_intent.succeeded", payment_intent_id=intent.id, amount_pence=6_000,
        currency="gbp",
    )  # fmt: skip
    assert len(callbacks) == 1
    callbacks[0]()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.postgres
@requires_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_webhook_before_commit_on_postgresql(stripe_sandbox):
    """A real race: the intent is created and the order saved in a transaction that has not committed when the
    webhook arrives on another connection. The webhook is stored (503); the commit applies it."""
    from tests.factories import PortalUserFactory

    user = PortalUserFactory(all_flags=True)
    order = make_order(user, [finalised_application(portal_user=user, card_type=own_card_type())])
    created, webhook_done = threading.Event(), threading.Event()
    seen = {}

    def pay():
        try:
            with transaction.atomic():
                seen["intent"] = services.order_card_payment_start(order=order, portal_user=user)
                created.set()
                webhook_done.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=pay)
    thread.start()
    assert created.wait(30)
    intent = seen["intent"]
    response = deliver(payment_intent_event(event_id="evt_race", intent_id=intent.id, amount_pence=3_000,
                                            order_id=order.pk))  # fmt: skip
    assert response.status_code == 503
    assert not Payment.objects.exists()
    webhook_done.set()
    thread.join(30)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and Payment.objects.count() == 1
    assert StripeEvent.objects.get().processed_at is not None


@pytest.mark.django_db
def test_advance_order_paid_by_card_credits_the_funds(primary_user, stripe_sandbox):
    advance = services.order_create_advance(
        actor=primary_user.user, organisation=primary_user.organisation, credits=2, your_reference="123456",
        office=primary_user.office, billing_office=primary_user.office, accounts_contact="World Services",
    )  # fmt: skip
    intent = services.order_card_payment_start(order=advance, portal_user=primary_user)
    deliver(payment_intent_event(event_id="evt_adv", intent_id=intent.id, amount_pence=50_000, order_id=advance.pk))
    deliver(payment_intent_event(event_id="evt_adv2", intent_id=intent.id, amount_pence=50_000, order_id=advance.pk))
    assert selectors.funds_balance(organisation=primary_user.organisation) == 50_000
    entry = FundsLedgerEntry.objects.get()
    assert (entry.kind, entry.reference) == ("advance_payment", advance.reference)


@pytest.mark.django_db
def test_cancelling_cancels_the_intent_and_a_taken_payment_blocks_it(portal_client, primary_user, stripe_sandbox):
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    intent = services.order_card_payment_start(order=order, portal_user=primary_user)
    portal_client.post(f"/portal/orders/{order.pk}/cancel/")
    assert stripe_payments.intent_retrieve(intent_id=intent.id).status == "canceled"
    assert CardApplication.objects.get().status == Status.FINALISED
    paid_elsewhere = make_order(primary_user, [CardApplication.objects.get()])
    services.order_pay_with_test_card(
        order=paid_elsewhere, portal_user=primary_user, number="4242424242424242", exp_month=12, exp_year=2030,
        cvc="123",
    )  # fmt: skip
    with pytest.raises(services.OrderError, match="has been taken"):
        services.order_cancel(order=paid_elsewhere, actor=primary_user.user)


@pytest.mark.django_db
def test_payment_service_down_is_a_clear_message(portal_client, order, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.EXTERNAL_TIMEOUT_SECONDS = 1
    with pytest.raises(ExternalServiceUnavailable):
        stripe_payments.intent_retrieve(intent_id="pi_nothing")
    card = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    page = portal_client.post(f"/portal/orders/{order.pk}/pay/card/", card)
    assert page.status_code == 200 and "The card payment service is not available" in page.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_localstripe_delivers_the_signed_webhook_that_pays(live_server, stripe_sandbox, primary_user):
    """The whole path: localstripe signs and delivers payment_intent.succeeded to the running site."""
    stripe_payments.sandbox_register_webhook(
        name="orders-tests", url=f"{live_server.url}{WEBHOOK}", events=["payment_intent.succeeded"]
    )
    application = finalised_application(portal_user=primary_user, card_type=own_card_type())
    order = make_order(primary_user, [application])
    services.order_pay_with_test_card(
        order=order, portal_user=primary_user, number="4242424242424242", exp_month=12, exp_year=2030, cvc="123"
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        order.refresh_from_db()
        if order.status == Order.Status.PAID:
            break
        time.sleep(0.3)
    assert order.status == Order.Status.PAID
    assert CardApplication.objects.get().status == Status.RECEIVED
    assert StripeEvent.objects.get().type == "payment_intent.succeeded"


@pytest.mark.django_db
def test_an_event_for_no_order_is_ignored_not_retried(stripe_sandbox):
    event = payment_intent_event(event_id="evt_other", intent_id="pi_elsewhere", amount_pence=500, order_id=0)
    event["data"]["object"]["metadata"] = {}
    response = deliver(event)
    assert response.status_code == 200 and response.json()["outcome"] == "Ignored: not a payment for an order."
    assert StripeEvent.objects.get().processed_at is not None


@pytest.mark.postgres
@requires_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_the_same_moment_make_one_intent(stripe_sandbox):
    from tests.factories import PortalUserFactory

    user = PortalUserFactory(all_flags=True)
    order = make_order(user, [finalised_application(portal_user=user, card_type=own_card_type())])
    start = threading.Barrier(2)
    intents = []

    def click():
        try:
            start.wait()
            intents.append(services.order_card_payment_start(order=order, portal_user=user).id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    order.refresh_from_db()
    assert len(intents) == 2 and intents[0] == intents[1] == order.payment_intent_id
    assert len(intents_for(order)) == 1
