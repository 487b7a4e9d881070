import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.organisations.demo import ACCOUNTS, DEMO_PASSWORD

# Each module's load(stdout=...) is idempotent; later ones build on earlier ones. The portal's loaders make the
# organisations, records and applications; the processes' loaders move cases along their flows. The command lives
# here, beside the processes, because it names them; the portal's loaders never do.
DEMO_MODULES = [
    "portal.organisations.demo",
    "portal.registry.demo",
    "portal.employees.demo",
    "portal.licensing.demo",
    "portal.applications.demo",
    "workflows.card_application.demo",
    "portal.orders.demo",
    "portal.assessments.demo",
    "workflows.assessment_booking.demo",
    "portal.contracts.demo",
]


class Command(BaseCommand):
    help = "Load the demo organisation, users, ECS records and cases. Safe to run again: it adds nothing twice."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if not exc.name or not name.startswith(exc.name):  # a missing app is skipped, a broken one is not
                    raise
                continue
            with transaction.atomic():
                module.load(stdout=self.stdout)
        lines = [f"Demo accounts (password {DEMO_PASSWORD}):", *(f"  {email:38} {what}" for email, what in ACCOUNTS)]
        self.stdout.write("\n".join(lines))
        # The run script prints this again once everything is up.
        (settings.VAR_DIR / "demo_accounts.txt").write_text("\n".join(lines) + "\n")
        self.stdout.write("Security codes go to the SMS outbox: `manage.py sms_outbox` or /accounts/sms-outbox/.")
