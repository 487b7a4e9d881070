from datetime import date

from portal.registry.models import Card, CardStatus


def card_check(*, number: str, today: date | None = None) -> tuple[CardStatus, Card | None]:
    """A card's status by its number. Only the holder's name and the card type may be shown with it."""
    card = Card.objects.select_related("operative", "card_type").filter(number=number.strip()).first()
    if card is None:
        return CardStatus.NONE, None
    return card.status_on(today or date.today()), card
