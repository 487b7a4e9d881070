"""The card payment page and Stripe's webhook under hostile or careless use: opening the page creates nothing at
Stripe, and a validly signed event without the expected shape is a clear 400, never a 500."""

import json

import pytest
from django.test import Client

from portal.integrations import stripe_payments
from portal.orders.models import Order, StripeEvent
from tests.factories_orders import make_order
from tests.orders.flows.test_stripe_payments import WEBHOOK, deliver, intents_for
from tests.stripe_fixtures import finalised_application, payment_intent_event, sign_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(primary_user):
    return make_order(primary_user, [finalised_application(portal_user=primary_user)])


def test_opening_the_sandbox_card_page_creates_no_intent(portal_client, order, stripe_sandbox):
    for _ in range(3):
        page = portal_client.get(f"/portal/orders/{order.pk}/pay/card/")
        assert page.status_code == 200 and "Card number" in page.text
    order.refresh_from_db()
    assert order.payment_intent_id == "" and intents_for(order) == []


def test_opening_the_stripe_card_page_creates_no_intent_until_the_payer_asks(
    portal_client, order, stripe_sandbox, monkeypatch
):
    """Production (Stripe's payment element): the GET offers a button; the POST makes the intent once."""
    monkeypatch.setattr(stripe_payments, "sandbox_in_use", lambda: False)
    create = stripe_payments.intent_create  # localstripe refuses a description, which Stripe takes
    monkeypatch.setattr(stripe_payments, "intent_create", lambda **kw: create(**{**kw, "description": ""}))
    url = f"/portal/orders/{order.pk}/pay/card/"
    for _ in range(3):
        page = portal_client.get(url)
        assert page.status_code == 200 and "Enter card details" in page.text
        assert "stripe-client-secret" not in page.text
    assert intents_for(order) == []
    first = portal_client.post(url)
    second = portal_client.post(url)
    assert first.status_code == second.status_code == 200
    intents = intents_for(order)
    assert len(intents) == 1
    assert intents[0].client_secret in first.text and intents[0].client_secret in second.text
    # The element's script comes from a static file and Stripe's own origin, both allowed on this page only.
    assert "js/stripe-payment.js" in first.text and "https://js.stripe.com/v3/" in first.text
    assert "https://js.stripe.com" in first["Content-Security-Policy"]
    assert "https://js.stripe.com" not in portal_client.get(f"/portal/orders/{order.pk}/")["Content-Security-Policy"]


@pytest.mark.parametrize(
    "change",
    [
        lambda event: event.pop("data"),
        lambda event: event.update(data=None),
        lambda event: event.update(data={}),
        lambda event: event.update(data={"object": "pi_123"}),
        lambda event: event.pop("id"),
        lambda event: event["data"]["object"].update(amount="lots"),
    ],
    ids=["no data", "null data", "empty data", "object not a dict", "no id", "amount not a number"],
)
def test_a_signed_event_of_the_wrong_shape_is_a_clear_400(order, stripe_sandbox, change):
    event = payment_intent_event(event_id="evt_shape", intent_id="pi_shape", amount_pence=6_000, order_id=order.pk)
    change(event)
    response = deliver(event)
    assert response.status_code == 400
    assert response.content.decode() in {
        "The event has no id, type or data object.",
        "The event's data object is not a payment object.",
    }
    assert not StripeEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_a_signed_body_that_is_not_json_is_a_400(stripe_sandbox):
    body, signature = sign_event(b"not json at all")
    response = Client().post(WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 400 and response.content == b"The body is not a JSON event."


def test_a_bad_signature_still_says_so(stripe_sandbox):
    event = json.dumps({"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {}}}).encode()
    response = deliver(event, secret="whsec_someone_else")
    assert response.status_code == 400 and response.content == b"Invalid signature."
