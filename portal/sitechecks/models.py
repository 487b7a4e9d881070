"""ECS Check on site: the API keys site-gate systems use, and every change made to them.

A key belongs to an organisation and reads what that organisation's users with "Can View Contract Details" read.
Only a hash of the secret is stored: the secret is shown once, when the key is created.
"""

from django.conf import settings
from django.db import models

from portal.organisations.models import Organisation


class ApiKey(models.Model):
    """A revocable key for the ECS Check API. `prefix` finds the row; `secret_hash` (SHA-256 of the whole key)
    proves it. The key is `ecs_<prefix>_<secret>`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField("what the key is for", max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (ecs_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def shown_as(self) -> str:
        """How the key is shown after it was created: its prefix only."""
        return f"ecs_{self.prefix}_…"


class ApiKeyEvent(models.Model):
    """Every change to a key: created, revoked; who and when."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what


class SpotCheck(models.Model):
    """One card checked on a contract's site: the audit entry (who checked, when, which contract, what was found).

    `checker_party` is the checking company's place in the supply chain (null for the client): the audit summary
    of a company covers the checks made within its own branch."""

    class Verdict(models.TextChoices):
        VALID = "valid", "Valid"
        EXPIRING = "expiring", "Valid, expiring soon"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        NOT_FOUND = "not_found", "No such card"

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="spot_checks")
    checker_party = models.ForeignKey(
        "contracts.ContractParty", on_delete=models.CASCADE, null=True, blank=True, related_name="spot_checks"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    number = models.CharField("card number entered", max_length=20)
    card = models.ForeignKey("registry.Card", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    worker = models.ForeignKey(
        "contracts.ContractWorker", on_delete=models.SET_NULL, null=True, blank=True, related_name="spot_checks"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    on_contract = models.BooleanField("holder is on the contract", default=False)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["contract", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.number}: {self.get_verdict_display()}"

    @property
    def passed(self) -> bool:
        """The holder may work on site: a valid card, and on the contract."""
        return self.on_contract and self.verdict in (self.Verdict.VALID, self.Verdict.EXPIRING)


class ContractCardAlert(models.Model):
    """A worker's card expired or was cancelled while they were on a contract, and the company and the client were
    told (once: the unique constraint)."""

    class Event(models.TextChoices):
        EXPIRED = "expired", "Card expired"
        CANCELLED = "cancelled", "Card cancelled"

    worker = models.ForeignKey("contracts.ContractWorker", on_delete=models.CASCADE, related_name="card_alerts")
    card = models.ForeignKey("registry.Card", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20, choices=Event.choices)
    happened_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "card", "event"], name="one_alert_per_worker_card_and_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({self.card_id})"
