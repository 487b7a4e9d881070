"""Reads for ECS Check on site: API keys, card verdicts."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

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


def contract_card_verdict(card: Card, day: date) -> str:
    """A presented card's status by the contracts' rule (expiring within EXPIRING_WITHIN_DAYS), as SpotCheck.Verdict."""
    from portal.contracts.selectors import EXPIRING_WITHIN_DAYS
    from portal.sitechecks.models import SpotCheck

    if card.cancelled_at is not None and timezone.localdate(card.cancelled_at) <= day:
        return SpotCheck.Verdict.CANCELLED
    if card.expires_on < day:
        return SpotCheck.Verdict.EXPIRED
    if card.expires_on <= day + timedelta(days=EXPIRING_WITHIN_DAYS):
        return SpotCheck.Verdict.EXPIRING
    return SpotCheck.Verdict.VALID


def spot_checks_in_scope(*, contract, viewer_party) -> QuerySet:
    """The contract's spot checks the viewer may see: every one for the client, else those made within the
    viewer's own branch of the supply chain."""
    from portal.sitechecks.models import SpotCheck

    checks = SpotCheck.objects.filter(contract=contract)
    if viewer_party is not None:
        checks = checks.filter(checker_party__path__startswith=viewer_party.path)
    return checks


@dataclass
class SpotCheckSummary:
    date_from: date
    date_to: date
    total: int = 0
    passed: int = 0
    by_verdict: list = field(default_factory=list)  # [(label, count)] in the verdicts' order
    not_on_contract: int = 0
    by_checker: list = field(default_factory=list)  # [(name, count)], most first
    by_day: list = field(default_factory=list)  # [(date, total, passed)]
    entries: list = field(default_factory=list)  # the newest checks (SpotCheck), at most ENTRIES_SHOWN

    @property
    def failed(self) -> int:
        return self.total - self.passed

    @property
    def share_passed(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 0


ENTRIES_SHOWN = 200


def spot_check_summary(*, contract, viewer_party, date_from: date, date_to: date) -> SpotCheckSummary:
    """The audit summary of a contract's spot checks in a period (both days included): totals, verdicts, checks
    failed because the holder is not on the contract, checks by person and by day, and the newest entries.
    A fixed number of queries."""
    from portal.sitechecks.models import SpotCheck

    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to, time.max))
    checks = spot_checks_in_scope(contract=contract, viewer_party=viewer_party).filter(
        checked_at__gte=start, checked_at__lte=end
    )
    summary = SpotCheckSummary(date_from=date_from, date_to=date_to)
    good = Q(on_contract=True, verdict__in=[SpotCheck.Verdict.VALID, SpotCheck.Verdict.EXPIRING])
    counts = {}
    for row in checks.values("verdict", "on_contract").annotate(n=Count("pk")).order_by():
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + row["n"]
        summary.total += row["n"]
        if not row["on_contract"]:
            summary.not_on_contract += row["n"]
        if row["on_contract"] and row["verdict"] in (SpotCheck.Verdict.VALID, SpotCheck.Verdict.EXPIRING):
            summary.passed += row["n"]
    summary.by_verdict = [(verdict.label, counts[verdict.value]) for verdict in SpotCheck.Verdict if verdict in counts]
    checkers = (
        checks.values("checked_by__first_name", "checked_by__last_name", "organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "checked_by__last_name")
    )
    summary.by_checker = [
        (f"{c['checked_by__first_name']} {c['checked_by__last_name']} ({c['organisation__name']})", c["n"])
        for c in checkers
    ]
    days = (
        checks.annotate(day=TruncDate("checked_at"))
        .values("day")
        .annotate(n=Count("pk"), ok=Count("pk", filter=good))
        .order_by("day")
    )
    summary.by_day = [(d["day"], d["n"], d["ok"]) for d in days]
    summary.entries = list(
        checks.select_related(
            "checked_by", "organisation", "card__card_type", "card__operative", "worker__party"
        ).order_by("-checked_at", "-pk")[:ENTRIES_SHOWN]
    )
    return summary
