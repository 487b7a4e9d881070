"""Reads for ECS Check. A worker's live status is computed from the ECS record at the moment of looking.

Scope: `viewer_party=None` is the client's view (the whole supply chain); a party sees itself and its own branch
below it (a prefix query on `ContractParty.path`), never a sibling's branch.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.contracts.models import Contract, ContractParty, ContractWorker
from portal.registry.models import Card, CardStatus, HseResult

EXPIRING_WITHIN_DAYS = 30
NEEDS_ATTENTION = (CardStatus.EXPIRING, CardStatus.EXPIRED, CardStatus.CANCELLED, CardStatus.NONE)


class HseStatus:
    VALID = "valid"
    EXPIRED = "expired"
    NONE = "none"
    LABELS = {VALID: "Passed", EXPIRED: "Expired", NONE: "None recorded"}


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def parties_visible_to(contract: Contract, viewer_party: ContractParty | None) -> QuerySet:
    """The parties of `contract` the viewer may see: all for the client, else the viewer's own branch."""
    parties = ContractParty.objects.filter(contract=contract)
    if viewer_party is not None:
        parties = parties.filter(path__startswith=viewer_party.path)
    return parties


def contract_workers_on(contract: Contract, *, viewer_party: ContractParty | None, as_at: date | None = None):
    """The workers on `contract` the viewer may see: the current workforce (as_at=None: not taken off; future
    starters included), or who was on the contract on the day `as_at`. No annotations."""
    day = as_at or timezone.localdate()
    workers = ContractWorker.objects.filter(contract=contract)
    if viewer_party is not None:
        workers = workers.filter(party__path__startswith=viewer_party.path)
    if as_at is None:
        return workers.filter(removed_at__isnull=True).filter(Q(off_from__isnull=True) | Q(off_from__gt=day))
    return workers.filter(on_from__lte=day).filter(Q(off_from__isnull=True) | Q(off_from__gt=day))


def card_status_on(
    *, expires_on: date | None, cancelled_at: datetime | None, day: date, end_of_day: datetime | None = None
) -> str:
    """The status of a worker's newest card on `day` (None: no card), as CardStatus values. The same rule as the
    SQL of `contract_workers_queryset` (tests/contracts/services/test_status_rule.py holds them together); this
    one serves the summaries and exports, which read every worker of a contract in three flat queries."""
    if expires_on is None:
        return CardStatus.NONE.value
    if cancelled_at is not None and cancelled_at <= (end_of_day or _end_of(day)):
        return CardStatus.CANCELLED.value
    if expires_on < day:
        return CardStatus.EXPIRED.value
    if expires_on <= day + timedelta(days=EXPIRING_WITHIN_DAYS):
        return CardStatus.EXPIRING.value
    return CardStatus.VALID.value


CARD_FACTS = ("number", "card_type__name", "occupation__name", "grade__name")
# What meets_requirements reads of a card.
REQUIREMENT_FACTS = ("card_type__family_id", "occupation_id", "grade__position")


def _meets(requirements, role: str, card: dict | None) -> bool | None:
    return meets_requirements(
        requirements,
        role=role,
        family_id=card["card_type__family_id"] if card else None,
        occupation_id=card["occupation_id"] if card else None,
        grade_position=card["grade__position"] if card else None,
    )


def newest_cards_and_hse(operative_ids: QuerySet, day: date, *, facts=CARD_FACTS) -> tuple[dict, dict]:
    """For the operatives `operative_ids` (a values("operative_id") queryset): their newest card issued by `day`
    (by expiry, then id, as dicts with expires_on, cancelled_at and `facts`) and their HS&E status that day.
    Two queries."""
    cards: dict[int, dict] = {}
    fields = ("pk", "operative_id", "expires_on", "cancelled_at", *facts)
    for card in Card.objects.filter(operative_id__in=operative_ids, issued_on__lte=day).values(*fields).order_by():
        best = cards.get(card["operative_id"])
        if best is None or (card["expires_on"], card["pk"]) > (best["expires_on"], best["pk"]):
            cards[card["operative_id"]] = card
    hse: dict[int, str] = {}
    passes = HseResult.objects.filter(operative_id__in=operative_ids, passed=True, taken_on__lte=day).order_by()
    for operative_id, expires_on in passes.values_list("operative_id", "expires_on"):
        if hse.get(operative_id) != HseStatus.VALID:
            hse[operative_id] = HseStatus.VALID if expires_on and expires_on >= day else HseStatus.EXPIRED
    return cards, hse


def contract_workers_queryset(
    contract: Contract, *, viewer_party: ContractParty | None, as_at: date | None = None
) -> QuerySet:
    """The workers on `contract` the viewer may see, annotated with their newest card and its status on the day.

    `as_at=None`: the current workforce (not taken off; future starters included), status as at today.
    A date: who was on the contract that day, status as it was that day.
    Annotations: card_id, card_number, card_expires_on, card_status, hse_status (strings of CardStatus/HseStatus).
    """
    day = as_at or timezone.localdate()
    workers = contract_workers_on(contract, viewer_party=viewer_party, as_at=as_at)
    newest = Card.objects.filter(operative=OuterRef("operative_id"), issued_on__lte=day).order_by("-expires_on", "-pk")
    end_of_day = _end_of(day)
    # The newest card's status is worked out inside one subquery per worker (not one subquery per condition), and
    # the HS&E status likewise: a contract of 5,000 workers is summarised in tens of milliseconds.
    status_of_card = Case(
        When(cancelled_at__lte=end_of_day, then=Value(CardStatus.CANCELLED.value)),
        When(expires_on__lt=day, then=Value(CardStatus.EXPIRED.value)),
        When(expires_on__lte=day + timedelta(days=EXPIRING_WITHIN_DAYS), then=Value(CardStatus.EXPIRING.value)),
        default=Value(CardStatus.VALID.value),
        output_field=CharField(),
    )
    hse = HseResult.objects.filter(operative=OuterRef("operative_id"), taken_on__lte=day, passed=True)
    status_of_hse = Case(
        When(expires_on__gte=day, then=Value(HseStatus.VALID)),
        default=Value(HseStatus.EXPIRED),
        output_field=CharField(),
    )
    return workers.annotate(
        card_id=Subquery(newest.values("pk")[:1], output_field=IntegerField()),
        card_status=Coalesce(
            Subquery(newest.annotate(s=status_of_card).values("s")[:1], output_field=CharField()),
            Value(CardStatus.NONE.value),
        ),
        hse_status=Coalesce(
            Subquery(
                hse.annotate(s=status_of_hse).order_by(F("expires_on").desc(nulls_last=True), "-pk").values("s")[:1]
            ),
            Value(HseStatus.NONE),
            output_field=CharField(),
        ),
    )


@dataclass(frozen=True)
class WorkerStatusRow:
    """What anyone in the chain above may see of a worker: name, card facts and status. Never NI number, date of
    birth or contact details."""

    worker_id: int
    operative_id: int
    name: str
    sort_name: str
    company: str
    party_id: int
    tier: int
    role: str
    role_label: str
    on_from: date
    off_from: date | None
    card_number: str
    card_type: str
    occupation: str
    grade: str
    expires_on: date | None
    status: str
    status_label: str
    hse_status: str
    hse_label: str
    # Whether the card meets one of the contract's requirements (None: no requirement, or an apprentice).
    meets_requirements: bool | None = None

    @property
    def needs_attention(self) -> bool:
        return self.status in NEEDS_ATTENTION or self.hse_status != HseStatus.VALID or self.meets_requirements is False


STATUS_LABELS = {
    CardStatus.VALID.value: "Valid",
    CardStatus.EXPIRING.value: f"Expiring within {EXPIRING_WITHIN_DAYS} days",
    CardStatus.EXPIRED.value: "Expired",
    CardStatus.CANCELLED.value: "Cancelled",
    CardStatus.NONE.value: "No card",
}


def meets_requirements(requirements, *, role: str, family_id, occupation_id, grade_position) -> bool | None:
    """Whether an operative's card meets any of the contract's requirements; None for an apprentice (the ratio
    rules them) or when the contract has none."""
    if not requirements or role == ContractWorker.Role.APPRENTICE:
        return None
    return any(
        r.met_by(family_id=family_id, occupation_id=occupation_id, grade_position=grade_position) for r in requirements
    )


def requirements_of(contract: Contract) -> list:
    return list(contract.requirements.select_related("minimum_grade"))


def worker_rows(workers, *, requirements=()) -> list[WorkerStatusRow]:
    """Rows for annotated workers (a page of `contract_workers_queryset`): one more query for the cards' facts.
    `requirements` (the contract's, `requirements_of`) fills in whether each operative meets them."""
    workers = list(workers)
    card_ids = {worker.card_id for worker in workers if worker.card_id}
    cards = {
        card.pk: card
        for card in Card.objects.filter(pk__in=card_ids).select_related("card_type", "occupation", "grade")
    }
    rows = []
    for worker in workers:
        card = cards.get(worker.card_id)
        operative = worker.operative
        rows.append(
            WorkerStatusRow(
                worker_id=worker.pk,
                operative_id=operative.pk,
                name=operative.full_name,
                sort_name=operative.sort_name,
                company=worker.party.display_name,
                party_id=worker.party_id,
                tier=worker.party.tier,
                role=worker.role,
                role_label=worker.get_role_display(),
                on_from=worker.on_from,
                off_from=worker.off_from,
                card_number=card.number if card else "",
                card_type=card.card_type.name if card else "",
                occupation=card.occupation.name if card and card.occupation_id else "",
                grade=card.grade.name if card and card.grade_id else "",
                expires_on=card.expires_on if card else None,
                status=worker.card_status,
                status_label=STATUS_LABELS[worker.card_status],
                hse_status=worker.hse_status,
                hse_label=HseStatus.LABELS[worker.hse_status],
                meets_requirements=meets_requirements(
                    requirements,
                    role=worker.role,
                    family_id=card.card_type.family_id if card else None,
                    occupation_id=card.occupation_id if card else None,
                    grade_position=card.grade.position if card and card.grade_id else None,
                ),
            )
        )
    return rows


def contract_workers_with_status(
    contract: Contract, *, viewer_party: ContractParty | None, as_at: date | None = None
) -> list[WorkerStatusRow]:
    """Every worker the viewer may see on `contract`, with live card status (3 flat queries whatever the size;
    plain values, no model instances: 5,000 workers for an export or the API in well under a second)."""
    day = as_at or timezone.localdate()
    workers = contract_workers_on(contract, viewer_party=viewer_party, as_at=as_at)
    cards, hse = newest_cards_and_hse(workers.values("operative_id"), day, facts=CARD_FACTS + REQUIREMENT_FACTS)
    requirements = requirements_of(contract)
    end_of_day = _end_of(day)
    roles = dict(ContractWorker.Role.choices)
    rows = []
    for worker in workers.order_by("operative__last_name", "operative__first_name", "pk").values(
        "pk", "operative_id", "operative__first_name", "operative__last_name", "party_id", "party__tier",
        "party__organisation__name", "party__invited_name", "party__invited_email", "role", "on_from", "off_from",
    ):  # fmt: skip
        card = cards.get(worker["operative_id"])
        status = card_status_on(
            expires_on=card["expires_on"] if card else None,
            cancelled_at=card and card["cancelled_at"],
            day=day,
            end_of_day=end_of_day,
        )
        hse_status = hse.get(worker["operative_id"], HseStatus.NONE)
        first, last = worker["operative__first_name"], worker["operative__last_name"]
        rows.append(
            WorkerStatusRow(
                worker_id=worker["pk"],
                operative_id=worker["operative_id"],
                name=f"{first} {last}",
                sort_name=f"{last}, {first}",
                company=worker["party__organisation__name"]
                or worker["party__invited_name"]
                or worker["party__invited_email"],
                party_id=worker["party_id"],
                tier=worker["party__tier"],
                role=worker["role"],
                role_label=roles.get(worker["role"], worker["role"]),
                on_from=worker["on_from"],
                off_from=worker["off_from"],
                card_number=card["number"] if card else "",
                card_type=card["card_type__name"] if card else "",
                occupation=(card["occupation__name"] or "") if card else "",
                grade=(card["grade__name"] or "") if card else "",
                expires_on=card["expires_on"] if card else None,
                status=status,
                status_label=STATUS_LABELS[status],
                hse_status=hse_status,
                hse_label=HseStatus.LABELS[hse_status],
                meets_requirements=_meets(requirements, worker["role"], card),
            )
        )
    return rows


@dataclass
class ComplianceSummary:
    total: int = 0
    by_status: dict = field(default_factory=dict)
    with_valid_card: int = 0
    operatives: int = 0
    apprentices: int = 0
    by_grade: list = field(default_factory=list)  # [(grade name, count)], "No grade" last
    by_tier: list = field(default_factory=list)  # [(tier, total, with valid card)]
    requirements: list = field(default_factory=list)  # [(requirement, allowed apprentices, within rule)]
    hse_missing: int = 0
    below_requirements: int = 0  # operatives whose card meets none of the contract's requirements

    @property
    def share_valid(self) -> int:
        """Percentage (whole number) of workers with a valid card (valid or expiring later)."""
        return round(100 * self.with_valid_card / self.total) if self.total else 0

    @property
    def needing_attention(self) -> int:
        return sum(self.by_status.get(status.value, 0) for status in NEEDS_ATTENTION)

    @property
    def apprentice_share(self) -> str:
        return f"{self.apprentices} of {self.total}"


def compliance_summary(
    contract: Contract, party: ContractParty | None = None, *, as_at: date | None = None
) -> ComplianceSummary:
    """Share with a valid card, numbers by status, grade and tier, and the apprentice ratio against the contract's
    rule, for the whole contract (party=None) or a party's branch. A fixed number of queries."""
    day = as_at or timezone.localdate()
    workers = contract_workers_on(contract, viewer_party=party, as_at=as_at)
    requirements = requirements_of(contract)
    facts = ("grade__name", *REQUIREMENT_FACTS) if requirements else ("grade__name",)
    cards, hse = newest_cards_and_hse(workers.values("operative_id"), day, facts=facts)
    end_of_day = _end_of(day)
    summary = ComplianceSummary()
    grades = Counter()
    tiers: dict[int, list[int]] = {}
    valid_statuses = (CardStatus.VALID.value, CardStatus.EXPIRING.value)
    for operative_id, role, tier in workers.values_list("operative_id", "role", "party__tier").order_by():
        card = cards.get(operative_id)
        status = card_status_on(
            expires_on=card["expires_on"] if card else None,
            cancelled_at=card and card["cancelled_at"],
            day=day,
            end_of_day=end_of_day,
        )
        summary.total += 1
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
        if role == ContractWorker.Role.APPRENTICE:
            summary.apprentices += 1
        else:
            summary.operatives += 1
            if requirements and not _meets(requirements, role, card):
                summary.below_requirements += 1
        if hse.get(operative_id, HseStatus.NONE) != HseStatus.VALID:
            summary.hse_missing += 1
        grades[(card["grade__name"] if card else "") or ""] += 1
        counts = tiers.setdefault(tier, [0, 0])
        counts[0] += 1
        if status in valid_statuses:
            counts[1] += 1
    summary.with_valid_card = summary.by_status.get(CardStatus.VALID.value, 0) + summary.by_status.get(
        CardStatus.EXPIRING.value, 0
    )
    summary.by_grade = sorted(((name, n) for name, n in grades.items() if name), key=lambda item: (-item[1], item[0]))
    if grades.get(""):
        summary.by_grade.append(("No grade on card", grades[""]))
    summary.by_tier = [(tier, total, valid) for tier, (total, valid) in sorted(tiers.items())]
    for requirement in requirements:
        allowed = summary.total // requirement.apprentice_ratio if requirement.apprentice_ratio else 0
        summary.requirements.append((requirement, allowed, summary.apprentices <= allowed))
    return summary


# Who sees which contract. A contract is the client organisation's; a company in its supply chain sees it while
# its place is accepted (its own branch only, by viewer_party). Anyone else: 404.

LIST_SECTIONS = {
    "setting_up": (Contract.Status.SETTING_UP,),
    "in_progress": (Contract.Status.IN_PROGRESS,),
    "completed": (Contract.Status.COMPLETED, Contract.Status.CANCELLED),
}


def contracts_visible_to(organisation_id: int) -> QuerySet:
    """Contracts the organisation is the client of, or holds an accepted place in."""
    in_chain = ContractParty.objects.filter(
        contract=OuterRef("pk"), organisation_id=organisation_id, status=ContractParty.Status.ACCEPTED
    )
    return Contract.objects.filter(Q(client_id=organisation_id) | Exists(in_chain))


def contract_list(organisation_id: int, *, section: str) -> QuerySet:
    """One portal section's contracts (LIST_SECTIONS), with what the list shows: a fixed number of queries a page."""
    return (
        contracts_visible_to(organisation_id)
        .filter(status__in=LIST_SECTIONS[section])
        .select_related("client")
        .annotate(
            companies=Count("parties", filter=Q(parties__status=ContractParty.Status.ACCEPTED), distinct=True),
            invited=Count("parties", filter=Q(parties__status=ContractParty.Status.INVITED), distinct=True),
        )
        .order_by("starts_on" if section != "completed" else "-ends_on", "name", "pk")
    )


def viewer_party_of(contract: Contract, organisation_id: int) -> ContractParty | None:
    """The organisation's accepted place in the contract's chain; None for the client (who sees everything)."""
    if contract.client_id == organisation_id:
        return None
    return (
        ContractParty.objects.select_related("organisation", "parent__organisation")
        .filter(contract=contract, organisation_id=organisation_id, status=ContractParty.Status.ACCEPTED)
        .first()
    )


def invitations_for(organisation_id: int, *, emails: tuple[str, ...] = ()) -> QuerySet:
    """Invitations waiting for the organisation's answer: to the organisation, or sent by email (before it held a
    licence) to its contact address or the address of the user looking."""
    addressed = Q(organisation_id=organisation_id)
    emails = tuple(email.lower() for email in emails if email)
    if emails:
        addressed |= Q(organisation__isnull=True, invited_email__in=emails)
    return (
        ContractParty.objects.filter(addressed, status=ContractParty.Status.INVITED)
        .select_related("contract__client", "parent__organisation", "invited_by")
        .order_by("expires_on", "pk")
    )


def supply_chain(contract: Contract, viewer_party: ContractParty | None) -> list[ContractParty]:
    """The parties the viewer sees, in tree order (by path), each with its number of current workers."""
    parties = list(
        parties_visible_to(contract, viewer_party)
        .select_related("organisation__licence", "invited_by")
        .annotate(current_workers=Count("workers", filter=Q(workers__removed_at__isnull=True)))
        .order_by("path")
    )
    top = viewer_party.tier if viewer_party else 1
    for party in parties:
        party.indent = "— " * (party.tier - top)
    return parties


def contract_events(contract: Contract, viewer_party: ContractParty | None, *, limit: int = 50) -> list:
    """The newest history lines the viewer may read: all for the client; for a company, the contract's own (created,
    changed, live, completed) and its branch's."""
    events = contract.events.select_related("actor").order_by("-at", "-pk")
    if viewer_party is not None:
        events = events.filter(Q(party__isnull=True) | Q(party__path__startswith=viewer_party.path))
    return list(events[:limit])
