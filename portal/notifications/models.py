"""What the portal tells its users by email (and SMS for what needs action within days), and what they turned off."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    ON_HOLD = "on_hold", "A card application is put on hold"
    ENDORSEMENT_AWAITED = "endorsement_awaited", "An endorsement is awaited"
    REJECTED = "rejected", "A card application is rejected"
    PAYMENT_RECEIVED = "payment_received", "A payment is received"
    CARD_PREPARED = "card_prepared", "A card is prepared"
    CARD_DISPATCHED = "card_dispatched", "A card is dispatched"
    EXPIRY_DIGEST = "expiry_digest", "Weekly reminder of cards expiring soon"
    CONTRACT_CARD_ALERT = "contract_card_alert", "A contract worker's card expires or is cancelled"


# Always sent: each asks the employer to act, or ends an application.
ESSENTIAL = (Kind.ON_HOLD, Kind.ENDORSEMENT_AWAITED, Kind.REJECTED, Kind.CONTRACT_CARD_ALERT)
# The ones a user may turn off, in the order the preferences page lists them.
OPTIONAL = (Kind.PAYMENT_RECEIVED, Kind.CARD_PREPARED, Kind.CARD_DISPATCHED, Kind.EXPIRY_DIGEST)
# Also sent by SMS: the employer must act within days.
WITH_SMS = (Kind.ON_HOLD, Kind.ENDORSEMENT_AWAITED)


class Notification(models.Model):
    """One message to one user about one event. `key` names the event and the recipient, so a repeated
    announcement of the same event records nothing new."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField()
    sms_text = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_sent(self) -> bool:
        return self.email_sent_at is not None and (not self.sms_text or self.sms_sent_at is not None)


class NotificationOptOut(models.Model):
    """A user turned off one optional kind of notification."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs")
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_user_and_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} off"


class NotificationEvent(models.Model):
    """Every change to what a user receives, and every failed sending: who, what, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what
