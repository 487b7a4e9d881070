from django.core.management.base import BaseCommand

from portal.accounts.models import SmsMessage


class Command(BaseCommand):
    help = "Show the newest text messages in the development SMS outbox."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="Only messages to this mobile number (E.164, e.g. +447700900001).")
        parser.add_argument("-n", "--number", type=int, default=10, help="How many messages (default 10).")

    def handle(self, *args, to=None, number=10, **options):
        messages = SmsMessage.objects.all()
        if to:
            messages = messages.filter(to=to)
        rows = list(messages[:number])
        if not rows:
            self.stdout.write("The outbox is empty.")
        for message in rows:
            self.stdout.write(f"{message.created_at:%Y-%m-%d %H:%M:%S}  {message.to}  {message.body}")
