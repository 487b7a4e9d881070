"""A finalised card application in an order: added, released, paid."""

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import signals
from portal.applications.models import CardApplication
from portal.applications.services.events import (
    ApplicationError,
    card_application_lock,
    card_application_record_event,
)

Status = CardApplication.Status


def card_application_mark_ordered(*, application: CardApplication, actor: User) -> CardApplication:
    """A finalised application has been added to an order. Call inside the order's transaction."""
    application = card_application_lock(application)
    if application.status != Status.FINALISED:
        raise ApplicationError(f"Application {application.reference} is not finalised and awaiting ordering.")
    card_application_record_event(application, actor=actor, what="Added to an order.", to_status=Status.ORDERED)
    return application


def card_application_release_from_order(*, application: CardApplication, actor: User) -> CardApplication:
    """The application left its order unpaid (removed, or the order was cancelled): it awaits ordering again."""
    application = card_application_lock(application)
    if application.status != Status.ORDERED:
        raise ApplicationError(f"Application {application.reference} is not in an unpaid order.")
    card_application_record_event(application, actor=actor, what="Removed from its order.", to_status=Status.FINALISED)
    return application


def card_application_payment_received(*, application: CardApplication, actor: User | None = None) -> bool:
    """The order holding the application is paid: the payment is announced, so the JIB's part starts.

    Idempotent: a second report for a paid application changes nothing and returns False."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.paid_at is not None:
            return False
        if application.status != Status.ORDERED:
            raise ApplicationError(f"Application {application.reference} is not in an order awaiting payment.")
        application.paid_at = timezone.now()
        application.save(update_fields=["paid_at", "updated_at"])
        card_application_record_event(application, actor=actor, what="Payment received.", to_status=Status.RECEIVED)
        signals.application_paid.send(sender=CardApplication, application=application, actor=actor)
    return True
