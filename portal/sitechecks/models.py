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
