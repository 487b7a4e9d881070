"""Writes for notifications: record one message per recipient and event (sent later by the background workers
through the outbox), send it, record a failure, change what a user receives, and record the weekly digests."""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.sms import sms_send
from portal.core.services import background_job_enqueue
from portal.notifications import selectors
from portal.notifications.models import OPTIONAL, WITH_SMS, Kind, Notification, NotificationEvent, NotificationOptOut
from portal.organisations.models import PortalUser

logger = logging.getLogger(__name__)

# The outbox kind whose jobs send one notification (reference: the notification's id).
SEND_KIND = "send_notification"


class NotificationError(Exception):
    """A rule refused the change; the message is for the user. `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def link(name: str, *args, query: str = "") -> str:
    """An absolute link into the portal, for a message read outside it."""
    return settings.SITE_URL + reverse(name, args=args) + (f"?{query}" if query else "")


def notifications_record(
    *, kind: str, event_key: str, recipients: list[PortalUser], context: dict, sms_text: str = ""
) -> list[Notification]:
    """Record the message about one event for each recipient (skipping those who turned an optional kind off)
    and enqueue its sending in the same transaction. `event_key` names the event: a recipient already told about
    it is not told again. Returns the new notifications."""
    kind = Kind(kind)
    off = selectors.opted_out(user_ids=[pu.user_id for pu in recipients], kind=kind)
    created = []
    with transaction.atomic():
        for portal_user in recipients:
            user = portal_user.user
            if user.pk in off:
                continue
            key = f"{kind.value}:{event_key}:user{user.pk}"
            if Notification.objects.filter(key=key).exists():
                continue
            ctx = {
                **context,
                "recipient": user,
                "preferences_url": link("notifications:preferences"),
                "optional": kind in OPTIONAL,
            }
            subject = " ".join(render_to_string(f"notifications/email/{kind.value}_subject.txt", ctx).split())
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        key=key,
                        subject=subject,
                        body_text=render_to_string(f"notifications/email/{kind.value}.txt", ctx),
                        body_html=render_to_string(f"notifications/email/{kind.value}.html", ctx),
                        sms_text=sms_text if kind in WITH_SMS and user.mobile else "",
                    )
            except IntegrityError:  # recorded at the same moment by another announcement of the event
                continue
            background_job_enqueue(kind=SEND_KIND, ref=str(notification.pk))
            created.append(notification)
    return created


def notification_send(*, notification_id: int) -> bool:
    """Send the email, then the SMS if it has one; each is marked sent in its own transaction, so a retry after a
    failed SMS does not send the email again. Raises when a channel fails (the background task retries).
    Returns False when there was nothing left to send."""
    Notification.objects.filter(pk=notification_id).update(attempts=F("attempts") + 1)
    sent = False
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        recipient = notification.recipient
        if not recipient.is_active:
            return False
        if notification.email_sent_at is None:
            message = EmailMultiAlternatives(
                subject=notification.subject, body=notification.body_text, to=[recipient.email]
            )
            message.attach_alternative(notification.body_html, "text/html")
            message.send()
            notification.email_sent_at = timezone.now()
            notification.save(update_fields=["email_sent_at"])
            sent = True
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if notification.sms_text and notification.sms_sent_at is None and notification.recipient.mobile:
            sms_send(to=notification.recipient.mobile, body=notification.sms_text)
            notification.sms_sent_at = timezone.now()
            notification.save(update_fields=["sms_sent_at"])
            sent = True
    return sent


def notification_send_failed(*, notification_id: int, reason: str) -> Notification:
    """No retry is left: the failure is recorded on the notification."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        notification.failed_at, notification.last_error = timezone.now(), reason[:2000]
        notification.save(update_fields=["failed_at", "last_error"])
        NotificationEvent.objects.create(
            user_id=notification.recipient_id, notification=notification, what=f"Could not be sent: {reason[:500]}"
        )
    logger.warning("Notification %s could not be sent: %s", notification_id, reason)
    return notification


def notification_preferences_set(*, user: User, receive: set[str]) -> set[str]:
    """The user receives the optional kinds in `receive` and none of the other optional kinds (essential ones
    cannot be turned off). Each change is recorded. Returns the kinds changed."""
    unknown = set(receive) - set(OPTIONAL)
    if unknown:
        raise NotificationError("Choose only from the messages listed.", field="receive")
    changed = set()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time per user
        off = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
        for kind in OPTIONAL:
            wanted = kind in receive
            if wanted and kind in off:
                NotificationOptOut.objects.filter(user=user, kind=kind).delete()
                NotificationEvent.objects.create(user=user, what=f"Turned on: {Kind(kind).label}.")
                changed.add(kind)
            elif not wanted and kind not in off:
                NotificationOptOut.objects.create(user=user, kind=kind)
                NotificationEvent.objects.create(user=user, what=f"Turned off: {Kind(kind).label}.")
                changed.add(kind)
    return changed


def expiry_digests_record(*, today: date | None = None) -> int:
    """Record (and enqueue) this ISO week's digest of expiring and recently expired cards for each user who can
    view employees and has not turned it off; nothing when there is nothing to say. A user gets one digest a
    week however often this runs. Returns how many were recorded."""
    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    week_key = f"{year}-W{week:02d}"
    already = set(
        Notification.objects.filter(kind=Kind.EXPIRY_DIGEST, key__startswith=f"{Kind.EXPIRY_DIGEST.value}:{week_key}:")
        .values_list("recipient_id", flat=True)
    )  # fmt: skip
    recorded = 0
    for portal_user in selectors.digest_readers():
        if portal_user.user_id in already:
            continue
        digest = selectors.expiry_digest(portal_user, today=today)
        if digest.is_empty:
            continue
        context = {
            "digest": digest,
            "office": portal_user.office,
            "organisation": portal_user.organisation,
            "can_start": portal_user.can_fill_in_applications,
            "expiring_url": link("employees:list", query="status=expiring"),
            "expired_url": link("employees:list", query="status=expired"),
            "week_starting": date.fromisocalendar(year, week, 1),
        }
        recorded += len(
            notifications_record(kind=Kind.EXPIRY_DIGEST, event_key=week_key, recipients=[portal_user], context=context)
        )
    return recorded
