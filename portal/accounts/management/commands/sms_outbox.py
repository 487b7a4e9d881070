from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.accounts.models import SmsMessage

OUTBOX_BACKEND = "portal.accounts.sms.OutboxBackend"


class Command(BaseCommand):
    help = "Show the newest text messages in the development SMS outbox (run it as `DEBUG=1 manage.py sms_outbox`)."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="Only messages to this mobile number (E.164, e.g. +447700900001).")
        parser.add_argument("-n", "--number", type=int, default=10, help="How many messages (default 10).")

    def handle(self, *args, to=None, number=10, **options):
        if settings.SMS_BACKEND != OUTBOX_BACKEND:
            # Production sends through the gateway: an empty outbox would wrongly suggest no code was sent.
            raise CommandError(
                f"Text messages go to the SMS gateway ({settings.SMS_BACKEND}), not to the outbox. "
                "The outbox is for development: DEBUG=1 .venv/bin/python manage.py sms_outbox"
            )
        messages = SmsMessage.objects.all()
        if to:
            messages = messages.filter(to=to)
        rows = list(messages[:number])
        if not rows:
            self.stdout.write("The outbox is empty.")
        for message in rows:
            sent = timezone.localtime(message.created_at)
            self.stdout.write(f"{sent:%d/%m/%Y %H:%M:%S}  {message.to}  {message.body}")
