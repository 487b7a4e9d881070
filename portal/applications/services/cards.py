"""The card of an approved application: prepared with the next free number, then dispatched."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import signals
from portal.applications.models import CardApplication
from portal.applications.selectors import delivery_address
from portal.applications.services.events import (
    ApplicationError,
    card_application_lock,
    card_application_record_event,
)
from portal.employees.services import employment_card_refresh
from portal.registry.models import Card

Status = CardApplication.Status

# Card numbers the system issues: eight digits from this range (older cards keep the numbers they have).
CARD_NUMBER_FIRST = 60_000_000
CARD_NUMBER_LAST = 69_999_999


def _last_card_number() -> int | None:
    last = Card.objects.filter(
        number__gte=f"{CARD_NUMBER_FIRST:08d}", number__lte=f"{CARD_NUMBER_LAST:08d}", number__regex=r"^[0-9]{8}$"
    ).aggregate(last=Max("number"))["last"]
    return int(last) if last else None


def _card_create(**fields) -> Card:
    """A card with the next free number. Two at once may pick the same number: the unique index refuses the
    second, which takes the next one (its savepoint keeps the rest of the transaction)."""
    for _ in range(50):
        last = _last_card_number()
        number = CARD_NUMBER_FIRST if last is None else last + 1
        if number > CARD_NUMBER_LAST:
            raise ApplicationError("The card number range is used up.")
        try:
            with transaction.atomic():
                return Card.objects.create(number=f"{number:08d}", **fields)
        except IntegrityError:
            continue
    raise ApplicationError("No card number could be allocated; try again.")


def card_application_prepare(*, application: CardApplication) -> CardApplication:
    """The card is prepared, in the name of the team leader who approved it: a new card number, expiry from the
    card type's duration, the card written to the operative's record with the occupation and grade; Qualified
    Supervisor and Registered Electrician stamped.

    A renewal's card takes over the renewed card's remaining validity: it expires the card type's duration after
    the later of today and the renewed card's expiry. The renewed card is cancelled when the new one is sent."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.card_id is not None:
            return application
        if application.status != Status.APPROVED:
            raise ApplicationError(f"Application {application.reference} is not approved.")
        today = date.today()
        starts = today
        renewed = application.renews_card
        if renewed is not None and renewed.cancelled_at is None and renewed.expires_on > today:
            starts = renewed.expires_on
        card = _card_create(
            operative_id=application.operative_id,
            card_type=application.card_type,
            issued_on=today,
            expires_on=starts + relativedelta(months=application.card_type.duration_months),
            occupation=application.main_occupation,
            grade=application.grade,
        )
        application.card = card
        application.save(update_fields=["card", "updated_at"])
        employment_card_refresh(operative_id=card.operative_id)
        operative = application.operative
        stamps = []
        if (
            application.qualified_supervisor
            and application.supervisor_endorsed_at
            and not operative.qualified_supervisor_since
        ):
            operative.qualified_supervisor_since = today
            stamps.append("qualified_supervisor_since")
        if application.registered_electrician and not operative.registered_electrician_since:
            operative.registered_electrician_since = today
            stamps.append("registered_electrician_since")
        if stamps:
            operative.save(update_fields=stamps)
        extra = {
            "qualified_supervisor_since": "; Qualified Supervisor recorded",
            "registered_electrician_since": "; ECS Registered Electrician recorded",
        }
        card_application_record_event(
            application,
            actor=application.approved_by,
            to_status=Status.PREPARED,
            what=f"Card {card.number} prepared, valid until {card.expires_on:%d/%m/%Y}"
            + "".join(extra[s] for s in stamps)
            + ".",
        )
        signals.card_prepared.send(sender=CardApplication, application=application, card=card)
    return application


def card_application_dispatch(*, application: CardApplication, actor: User, note: str = "") -> CardApplication:
    """The processing team sends the card: the application is complete (a renewed card is now replaced)."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status != Status.PREPARED or application.card_id is None:
            raise ApplicationError(f"Application {application.reference} has no prepared card to dispatch.")
        now = timezone.now()
        address = delivery_address(application=application)
        application.completed_at = now
        application.dispatched_to = str(address) if address else ""
        application.save(update_fields=["completed_at", "dispatched_to", "updated_at"])
        renewed = application.renews_card
        if renewed is not None and renewed.cancelled_at is None:
            renewed.cancelled_at = now
            renewed.save(update_fields=["cancelled_at"])
            employment_card_refresh(operative_id=renewed.operative_id)
        contact = application.business_email or "the employer's contact address"
        to = f"to {address}" if address else f"({contact})"
        card_application_record_event(
            application,
            actor=actor,
            to_status=Status.DISPATCHED,
            what=f"Card {application.card.number} dispatched {to}"
            + (f"; card {renewed.number} replaced" if renewed is not None else "")
            + (f": {note.strip()}" if note.strip() else "")
            + ".",
        )
        signals.card_dispatched.send(sender=CardApplication, application=application, actor=actor)
    return application
