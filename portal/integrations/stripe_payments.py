"""Card payments through Stripe PaymentIntents: the one module that talks to Stripe.

The `stripe` library is pointed at settings.STRIPE_API_BASE (Stripe itself in production, `localstripe` in
development and tests), with the settings' time-out; its errors are mapped like portal.integrations.http:
ExternalServiceUnavailable (time-out, refused, 5xx: worth trying again), ExternalServiceRejected (4xx),
CardDeclined (the card was refused: a message for the payer).
"""

from dataclasses import dataclass
from urllib.parse import urlparse

import stripe
from django.conf import settings

from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable

PARTY = "The card payment service"
# What Stripe.js and its payment element need from the page that shows them (Stripe's published CSP list).
PAYMENT_ELEMENT_CSP = {
    "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}
PAYMENT_ELEMENT_ALLOWLIST = 'self "https://js.stripe.com"'  # Permissions-Policy payment: wallets in the element


class CardDeclined(Exception):
    """The card was refused. The message is for the payer; nothing was charged."""


class InvalidWebhook(Exception):
    """A webhook whose signature does not verify (or whose body is not an event)."""


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount_pence: int
    currency: str
    client_secret: str
    metadata: dict


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    object_id: str
    amount_pence: int | None
    currency: str
    metadata: dict


def sandbox_in_use() -> bool:
    """True when payments go to a local stand-in (localstripe), not to Stripe: the test-card page is offered."""
    return urlparse(settings.STRIPE_API_BASE).hostname != "api.stripe.com"


_client: dict = {"timeout": None, "client": None}


def _configure() -> None:
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE.rstrip("/")
    stripe.max_network_retries = 2  # safe: every creating call carries an idempotency key
    timeout = settings.EXTERNAL_TIMEOUT_SECONDS
    if _client["timeout"] != timeout:
        _client.update(timeout=timeout, client=stripe.new_default_http_client(timeout=timeout))
    stripe.default_http_client = _client["client"]


def _call(function, *args, **kwargs):
    _configure()
    try:
        return function(*args, **kwargs)
    except stripe.CardError as exc:
        raise CardDeclined(exc.user_message or "Your card was declined.") from None
    except stripe.APIConnectionError:
        raise ExternalServiceUnavailable(PARTY, "it could not be reached or did not answer in time") from None
    except stripe.RateLimitError:
        raise ExternalServiceUnavailable(PARTY, "it is busy") from None
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        if status >= 500 or status == 0:
            raise ExternalServiceUnavailable(PARTY, f"it answered {status or 'nothing usable'}") from None
        raise ExternalServiceRejected(PARTY, f"it answered {status}") from None


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent(obj) -> Intent:
    obj = _plain(obj)
    return Intent(
        id=obj["id"],
        status=obj["status"],
        amount_pence=int(obj["amount"]),
        currency=obj["currency"],
        client_secret=obj.get("client_secret") or "",
        metadata=dict(obj.get("metadata") or {}),
    )


def intent_create(*, amount_pence: int, metadata: dict, idempotency_key: str, description: str = "") -> Intent:
    """A PaymentIntent in pounds sterling. The same idempotency key gives back the same intent at Stripe."""
    params = {"amount": amount_pence, "currency": "gbp", "metadata": metadata, "payment_method_types": ["card"]}
    if description and not sandbox_in_use():
        params["description"] = description
    return _intent(_call(stripe.PaymentIntent.create, idempotency_key=idempotency_key, **params))


def intent_retrieve(*, intent_id: str) -> Intent:
    return _intent(_call(stripe.PaymentIntent.retrieve, intent_id))


def intent_cancel(*, intent_id: str) -> Intent:
    return _intent(_call(stripe.PaymentIntent.cancel, intent_id))


def intent_pay_with_test_card(*, intent_id: str, number: str, exp_month: int, exp_year: int, cvc: str) -> Intent:
    """Sandbox only: pay an intent with a card number, as Stripe's payment element does in the browser.

    Raises CardDeclined for localstripe's declined test cards (4000000000000002 and others)."""
    if not sandbox_in_use():
        raise ExternalServiceRejected(PARTY, "card numbers are only taken by the sandbox")
    card = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
    method = _call(stripe.PaymentMethod.create, type="card", card=card)
    customer = _call(stripe.Customer.create)
    _call(stripe.PaymentMethod.attach, method["id"], customer=customer["id"])  # declined cards fail here
    _call(stripe.PaymentIntent.modify, intent_id, payment_method=method["id"])
    return _intent(_call(stripe.PaymentIntent.confirm, intent_id))


def webhook_event(*, payload: bytes, signature: str) -> Event:
    """The event, once its Stripe-Signature verifies with settings.STRIPE_WEBHOOK_SECRET; else InvalidWebhook."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except stripe.SignatureVerificationError:
        raise InvalidWebhook("Invalid signature.") from None
    except ValueError:
        raise InvalidWebhook("The body is not a JSON event.") from None
    event = _plain(event)
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise InvalidWebhook("The event has no id, type or data object.")
    amount = obj.get("amount_received") or obj.get("amount")  # Stripe's intents carry both; localstripe the latter
    try:
        return Event(
            id=event["id"],
            type=event["type"],
            object_id=str(obj.get("id") or ""),
            amount_pence=int(amount) if amount is not None else None,
            currency=str(obj.get("currency") or ""),
            metadata=dict(obj.get("metadata") or {}),
        )
    except (TypeError, ValueError):
        raise InvalidWebhook("The event's data object is not a payment object.") from None


def sandbox_register_webhook(*, name: str, url: str, events: list[str]) -> None:
    """Ask localstripe to deliver signed events to `url` (localstripe's /_config/webhooks/<name>)."""
    from portal.integrations.http import call

    call(
        PARTY,
        "POST",
        f"{settings.STRIPE_API_BASE.rstrip('/')}/_config/webhooks/{name}",
        json={"url": url, "secret": settings.STRIPE_WEBHOOK_SECRET, "events": events},
    )
