import email
from email import policy
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SEPARATOR = "\n" + "-" * 79 + "\n"  # what Django's file backend writes after each message


def _messages(folder: Path) -> list:
    """Every message in the outbox's files, newest first."""
    found = []
    for path in sorted(folder.glob("*.log"), key=lambda p: (p.stat().st_mtime, p.name)):
        for raw in path.read_text(encoding="utf-8", errors="replace").split(SEPARATOR):
            if raw.strip():
                found.append(email.message_from_string(raw.lstrip("\n"), policy=policy.default))
    return list(reversed(found))


class Command(BaseCommand):
    help = "Show the newest emails in the development mail outbox (run it as `DEBUG=1 manage.py mail_outbox`)."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="Only emails to this address.")
        parser.add_argument("-n", "--number", type=int, default=5, help="How many emails (default 5).")

    def handle(self, *args, to=None, number=5, **options):
        if settings.EMAIL_BACKEND != settings.EMAIL_OUTBOX_BACKEND:
            # Production sends through SMTP: an empty outbox would wrongly suggest nothing was sent.
            raise CommandError(
                f"Emails go to {settings.EMAIL_BACKEND}, not to the outbox. "
                "The outbox is for development: DEBUG=1 .venv/bin/python manage.py mail_outbox"
            )
        folder = Path(settings.EMAIL_FILE_PATH)
        messages = _messages(folder) if folder.is_dir() else []
        if to:
            messages = [m for m in messages if to.lower() in str(m["To"] or "").lower()]
        if not messages:
            self.stdout.write("The outbox is empty.")
        for message in messages[:number]:
            body = message.get_body(preferencelist=("plain",))
            self.stdout.write(f"Date:    {message['Date']}\nTo:      {message['To']}\nSubject: {message['Subject']}\n")
            self.stdout.write((body.get_content() if body is not None else "").strip())
            self.stdout.write("\n" + "=" * 79)
