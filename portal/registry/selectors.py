from datetime import date

from portal.registry.models import Card, CardStatus, HseResult


def card_check(*, number: str, today: date | None = None) -> tuple[CardStatus, Card | None]:
    """A card's status by its number. Only the holder's name and the card type may be shown with it."""
    card = Card.objects.select_related("operative", "card_type").filter(number=number.strip()).first()
    if card is None:
        return CardStatus.NONE, None
    return card.status_on(today or date.today()), card


def occupations_offered(*, card_type, held_qualification_ids: set[int]) -> list[tuple]:
    """Each occupation of a card type with whether the held qualifications meet all of its requirements
    (a requirement is met by any one of its qualifications), and the requirements not met. Four queries whatever
    the catalogue's size."""
    from django.db.models import Prefetch

    from portal.registry.models import Occupation, OccupationRequirement, QualificationType

    any_of = Prefetch("any_of", queryset=QualificationType.objects.select_related("awarding_body"))
    occupations = Occupation.objects.filter(card_type=card_type).prefetch_related(
        "grades", Prefetch("requirements", queryset=OccupationRequirement.objects.prefetch_related(any_of))
    )
    offered = []
    for occupation in occupations:
        missing = [
            r for r in occupation.requirements.all() if not {q.pk for q in r.any_of.all()} & held_qualification_ids
        ]
        offered.append((occupation, not missing, missing))
    return offered


def valid_hse_pass(*, operative_id: int, today: date | None = None) -> HseResult | None:
    """The operative's HS&E pass still valid `today` that lasts longest (None when there is none)."""
    today = today or date.today()
    return (
        HseResult.objects.filter(operative_id=operative_id, passed=True, expires_on__gte=today)
        .order_by("-expires_on", "-pk")
        .first()
    )
