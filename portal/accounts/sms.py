"""Sending SMS: a backend interface chosen by settings.SMS_BACKEND."""

import logging

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message could not be handed to the gateway."""


class OutboxBackend:
    """Keeps messages in the database for a developer to read (superuser page and `manage.py sms_outbox`)."""

    def send(self, *, to: str, body: str) -> None:
        from portal.accounts.models import SmsMessage

        SmsMessage.objects.create(to=to, body=body)


class HttpSmsBackend:
    """Posts to an HTTP SMS gateway (GOV.UK Notify or Twilio behind a small JSON relay)."""

    def send(self, *, to: str, body: str) -> None:
        try:
            response = httpx.post(
                settings.SMS_GATEWAY_URL,
                json={"to": to, "from": settings.SMS_SENDER, "body": body},
                headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_API_KEY}"},
                timeout=10,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            # Never log the body: it carries a sign-in code.
            logger.warning("SMS gateway refused a message: %s", type(exc).__name__)
            raise SmsError("The text message could not be sent.") from exc


def sms_send(*, to: str, body: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, body=body)
