"""localstripe for tests: started once per session on a free port (a subprocess), settings pointed at it per test.

`stripe_sandbox` gives the settings; `sign_event(payload)` makes a Stripe-Signature header the way Stripe (and
localstripe) sign webhooks, for tests that deliver an event themselves."""

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

WEBHOOK_SECRET = "whsec_test_orders"
LOCALSTRIPE = Path(sys.executable).parent / "localstripe"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server():
    port = _free_port()
    process = subprocess.Popen(
        [str(LOCALSTRIPE), "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=1):  # noqa: S310 (localhost)
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("localstripe did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def stripe_sandbox(settings, localstripe_server):
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_orders"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_orders"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.EXTERNAL_TIMEOUT_SECONDS = 5
    return localstripe_server


def sign_event(payload: dict | bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    """The body and the Stripe-Signature header for an event, signed as Stripe signs it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    at = at or int(time.time())
    signature = hmac.new(secret.encode(), b"%d.%s" % (at, body), hashlib.sha256).hexdigest()
    return body, f"t={at},v1={signature}"


def payment_intent_event(*, event_id: str, intent_id: str, amount_pence: int, order_id: int,
                         type: str = "payment_intent.succeeded", currency: str = "gbp") -> dict:  # fmt: skip
    return {
        "id": event_id,
        "object": "event",
        "type": type,
        "created": int(time.time()),
        "api_version": "2017-08-15",
        "livemode": False,
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount_pence,
                "currency": currency,
                "status": "succeeded",
                "metadata": {"order_id": str(order_id)},
            }
        },
    }


def finalised_application(*, portal_user, **kwargs):
    """A card application made through the services, its four steps filled in and finalised: awaiting ordering."""
    from django.utils import timezone

    from portal.applications.models import CardApplication
    from tests.factories_applications import start_application

    application = start_application(portal_user=portal_user, **kwargs)
    application.business_phone = "0161 496 0000"
    application.business_email = "site.office@example.co.uk"
    application.hse_route = CardApplication.HseRoute.WILL_SIT
    application.hse_sitting = CardApplication.HseSitting.REMOTE
    application.main_occupation = application.card_type.occupations.filter(can_be_main=True).first()
    application.step = 4
    application.finalised_at = timezone.now()
    application.finalised_by = portal_user.user
    application.status = CardApplication.Status.FINALISED
    application.save()
    return application


def own_card_type(name: str = "Craft or Related Disciplines (orders tests)"):
    """A card type with an initial price of its own (£36.00, £6.00 off for JIB members), for transactional tests:
    after a test database flush the seeded catalogue may not be there."""
    from portal.orders.models import CardPrice
    from tests.factories_registry import CardTypeFactory

    card_type = CardTypeFactory(name=name)
    CardPrice.objects.get_or_create(
        card_type=card_type, application_type="initial", defaults={"price_pence": 3_600, "member_discount_pence": 600}
    )
    return card_type


# PostgreSQL-only tests are skipped before their database is set up: a transactional test that is set up and then
# skipped still empties the test database when it ends.
requires_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="row locks need PostgreSQL"
)
