"""Reads for ECS Check on site: API keys, card verdicts."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from portal.registry.models import Card, CardStatus
from portal.sitechecks.models import ApiKey


def api_keys_of(*, organisation_id: int) -> QuerySet:
    """The organisation's keys, active first, newest first, with who created and revoked them."""
    return (
        ApiKey.objects.filter(organisation_id=organisation_id)
        .select_related("created_by", "revoked_by")
        .order_by("revoked_at", "-created_at", "-pk")
    )


class Verdict:
    """What a check of one card says (the API's words)."""

    VALID = "valid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"
    CHOICES = (VALID, EXPIRED, CANCELLED, NOT_FOUND)


@dataclass(frozen=True)
class CardVerdict:
    verdict: str
    number: str
    card: Card | None
    expiring_soon: bool = False


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def card_verdict(*, number: str, surname: str | None = None, today: date | None = None) -> CardVerdict:
    """A card by its number (and, when given, the holder's surname, compared without case or spaces at the ends):
    valid, expired, cancelled or not found. A surname that does not match is "not found": the answer reveals
    nothing about a card whose holder the asker cannot name. One query."""
    number = "".join(number.split())
    card = (
        Card.objects.select_related("operative", "card_type", "occupation", "grade").filter(number=number).first()
        if number.isdigit()
        else None
    )
    if card is None or (surname is not None and not same_name(card.operative.last_name, surname)):
        return CardVerdict(Verdict.NOT_FOUND, number, None)
    status = card.status_on(today or date.today())
    if status == CardStatus.CANCELLED:
        return CardVerdict(Verdict.CANCELLED, number, card)
    if status == CardStatus.EXPIRED:
        return CardVerdict(Verdict.EXPIRED, number, card)
    return CardVerdict(Verdict.VALID, number, card, expiring_soon=status == CardStatus.EXPIRING)
