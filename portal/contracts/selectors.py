"""Reads for ECS Check. A worker's live status is computed from the ECS record at the moment of looking.

Scope: `viewer_party=None` is the client's view (the whole supply chain); a party sees itself and its own branch
below it (a prefix query on `ContractParty.path`), never a sibling's branch.
"""

from bisect import bisect_left
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
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from portal.contracts.models import Contract, ContractParty, ContractWorker
from portal.registry.models import Card, CardStatus, CardType, Grade, HseResult

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
    SQL of `_card_status` (the contract page, its filter and the compliance summary;
    tests/contracts/services/test_status_rule.py holds them together); this one serves the exports and the API,
    which read every worker of a contract, row by row, in three flat queries."""
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


def _newest_card(day: date) -> QuerySet:
    """A worker's newest card issued by `day` (by expiry, then id), for a subquery on the worker's operative_id. One
    probe of the index `registry_card_newest_with_facts` (contracts migration 0002), read without the table."""
    return Card.objects.filter(operative=OuterRef("operative_id"), issued_on__lte=day).order_by("-expires_on", "-pk")


def _card_status(day: date) -> Case:
    """The status of a card on `day`, as SQL over the card's own columns (CardStatus values)."""
    return Case(
        When(cancelled_at__lte=_end_of(day), then=Value(CardStatus.CANCELLED.value)),
        When(expires_on__lt=day, then=Value(CardStatus.EXPIRED.value)),
        When(expires_on__lte=day + timedelta(days=EXPIRING_WITHIN_DAYS), then=Value(CardStatus.EXPIRING.value)),
        default=Value(CardStatus.VALID.value),
        output_field=CharField(),
    )


def _hse_status(day: date) -> Coalesce:
    """A worker's HS&E status on `day` (HseStatus values), from their pass that expires last (one index probe)."""
    passes = HseResult.objects.filter(operative=OuterRef("operative_id"), taken_on__lte=day, passed=True)
    status = Case(
        When(expires_on__gte=day, then=Value(HseStatus.VALID)),
        default=Value(HseStatus.EXPIRED),
        output_field=CharField(),
    )
    newest = passes.annotate(s=status).order_by(F("expires_on").desc(nulls_last=True), "-pk")
    return Coalesce(Subquery(newest.values("s")[:1]), Value(HseStatus.NONE), output_field=CharField())


def contract_workers_queryset(
    contract: Contract, *, viewer_party: ContractParty | None, as_at: date | None = None
) -> QuerySet:
    """The workers on `contract` the viewer may see, annotated with their newest card and its status on the day.

    `as_at=None`: the current workforce (not taken off; future starters included), status as at today.
    A date: who was on the contract that day, status as it was that day.
    Annotations: card_id, card_status, hse_status (strings of CardStatus/HseStatus). Read a page of it (keys
    first): each annotation is an index probe per worker.
    """
    day = as_at or timezone.localdate()
    workers = contract_workers_on(contract, viewer_party=viewer_party, as_at=as_at)
    newest = _newest_card(day)
    return workers.annotate(
        card_id=Subquery(newest.values("pk")[:1], output_field=IntegerField()),
        card_status=Coalesce(
            Subquery(newest.annotate(s=_card_status(day)).values("s")[:1], output_field=CharField()),
            Value(CardStatus.NONE.value),
        ),
        hse_status=_hse_status(day),
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
    # Workers whose card is anything but valid or whose HS&E pass is not current: the "needing attention" list.
    listed_needing_attention: int = 0
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


# What the summary counts a worker's newest card by, in one string made inside the card's subquery (one index probe
# a worker): "status:grade id:card type id:occupation id", the last two only when a requirement asks for them
# (empty where the card has none or it is not asked). Only what is counted goes in: a contract's workers fall into
# a hundred groups or so.
_FACTS_SEPARATOR = ":"


def _card_facts(day: date, *, card_type: bool, occupation: bool) -> Subquery:
    sep = Value(_FACTS_SEPARATOR)
    facts = Concat(
        _card_status(day),
        sep,
        "grade_id",
        sep,
        "card_type_id" if card_type else Value(""),
        sep,
        "occupation_id" if occupation else Value(""),
        output_field=CharField(),
    )
    return Subquery(_newest_card(day).annotate(facts=facts).values("facts")[:1], output_field=CharField())


def _parse_facts(card: str | None) -> tuple:
    """(status, grade id, card type id, occupation id) from `_card_facts` (None: no card)."""
    if card is None:
        return (CardStatus.NONE.value, None, None, None)
    status, *ids = card.split(_FACTS_SEPARATOR)
    return (status, *(int(value) if value else None for value in ids))


def compliance_summary(
    contract: Contract, party: ContractParty | None = None, *, as_at: date | None = None, requirements=None
) -> ComplianceSummary:
    """Share with a valid card, numbers by status, grade and tier, and the apprentice ratio against the contract's
    rule, for the whole contract (party=None) or a party's branch. Status is worked out in the database when asked
    (two index probes a worker) and counted there: one grouped query returns a hundred groups or so, whatever the
    number of workers; with the requirements (`requirements_of`, unless given), the grades and the card types read
    by id: four queries at most."""
    day = as_at or timezone.localdate()
    workers = contract_workers_on(contract, viewer_party=party, as_at=as_at)
    if requirements is None:
        requirements = requirements_of(contract)
    by_family = any(r.card_type_family_id for r in requirements)
    by_occupation = any(r.occupation_id for r in requirements)
    card = _card_facts(day, card_type=by_family, occupation=by_occupation)
    groups = list(
        workers.annotate(card=card, hse=_hse_status(day))
        .values_list("party__tier", "role", "card", "hse")
        .annotate(n=Count("pk"))
        .order_by()
    )
    facts = {card: _parse_facts(card) for _, _, card, _, _ in groups}
    grade_ids = {fact[1] for fact in facts.values() if fact[1]}
    grades = {}
    if grade_ids:
        for pk, name, position in Grade.objects.filter(pk__in=grade_ids).values_list("pk", "name", "position"):
            grades[pk] = (name, position)
    families = dict(CardType.objects.values_list("pk", "family_id")) if by_family else {}
    summary = ComplianceSummary()
    by_grade = Counter()
    tiers: dict[int, list[int]] = {}
    valid_statuses = (CardStatus.VALID.value, CardStatus.EXPIRING.value)
    for tier, role, card, hse, n in groups:
        status, grade_id, card_type_id, occupation_id = facts[card]
        grade_name, grade_position = grades.get(grade_id, ("", None))
        summary.total += n
        summary.by_status[status] = summary.by_status.get(status, 0) + n
        if role == ContractWorker.Role.APPRENTICE:
            summary.apprentices += n
        else:
            summary.operatives += n
            if requirements and not meets_requirements(
                requirements,
                role=role,
                family_id=families.get(card_type_id),
                occupation_id=occupation_id,
                grade_position=grade_position,
            ):
                summary.below_requirements += n
        if hse != HseStatus.VALID:
            summary.hse_missing += n
        if status != CardStatus.VALID.value or hse != HseStatus.VALID:
            summary.listed_needing_attention += n
        by_grade[grade_name] += n
        counts = tiers.setdefault(tier, [0, 0])
        counts[0] += n
        if status in valid_statuses:
            counts[1] += n
    summary.with_valid_card = sum(summary.by_status.get(status, 0) for status in valid_statuses)
    summary.by_grade = sorted(((name, n) for name, n in by_grade.items() if name), key=lambda item: (-item[1], item[0]))
    if by_grade.get(""):
        summary.by_grade.append(("No grade on card", by_grade[""]))
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
        ContractParty.objects.select_related("organisation__licence", "parent__organisation")
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


# The supply chain, a level at a time: a contract of 200 companies in five tiers shows its tier-1 companies (or the
# viewer's own company and its subcontractors), each with the companies and workers of its branch; a branch opens on
# its own page. The figures of a part come from one grouped query (companies with their current workers), added up
# by path in Python: a branch is a run of consecutive paths.

LIVE_PARTY_STATUSES = (ContractParty.Status.INVITED, ContractParty.Status.ACCEPTED)
_AFTER_EVERY_PATH = "\uffff"


def chain_members(contract: Contract, head: ContractParty | None) -> QuerySet:
    """The companies invited directly below `head` (the client's tier-1 companies when head is None), in the order
    they were invited (by path), whatever their status. Read a page of it, keys first, with `chain_member_rows`."""
    parties = ContractParty.objects.filter(contract=contract)
    parties = parties.filter(parent=head) if head is not None else parties.filter(parent__isnull=True)
    return parties.order_by("path")


def chain_member_rows(queryset: QuerySet, keys: list) -> QuerySet:
    """A page's companies with what the supply-chain table shows of them (`KeysFirstPaginator`'s rows)."""
    return queryset.filter(pk__in=keys).select_related("organisation__licence").order_by()


@dataclass
class ChainFigures:
    """Companies and current workers in a part of the supply chain: `head`'s branch, or the whole chain."""

    paths: list = field(default_factory=list)  # every company's path in the part, sorted
    live_upto: list = field(default_factory=lambda: [0])  # invited or accepted companies before each path (sums)
    workers_upto: list = field(default_factory=lambda: [0])  # current workers before each path (running sums)
    members: int = 0  # companies directly below the head, whatever their status
    companies: int = 0  # invited or accepted companies in the part, the head excluded
    by_tier: list = field(default_factory=list)  # [(tier, invited or accepted companies)]

    def add_to(self, party: ContractParty) -> ContractParty:
        """Set `companies_below` (invited or accepted) and `branch_workers` (current, the party's own included) on
        a party of the part."""
        first = bisect_left(self.paths, party.path)
        end = bisect_left(self.paths, party.path + _AFTER_EVERY_PATH)
        live_itself = 1 if party.status in LIVE_PARTY_STATUSES else 0
        party.companies_below = self.live_upto[end] - self.live_upto[first] - live_itself
        party.branch_workers = self.workers_upto[end] - self.workers_upto[first]
        return party


def chain_figures(contract: Contract, head: ContractParty | None) -> ChainFigures:
    """The figures of `head`'s branch (the whole chain when head is None). Two lean queries: the part's companies,
    and the contract's current workers counted by company (an index range of the contract's workers)."""
    parties = parties_visible_to(contract, head).values_list("path", "pk", "parent_id", "tier", "status").order_by()
    current = dict(
        ContractWorker.objects.filter(contract=contract, removed_at__isnull=True)
        .values_list("party_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = ChainFigures()
    tiers = Counter()
    head_id = head.pk if head is not None else None
    for path, pk, parent_id, tier, status in sorted(parties):
        figures.paths.append(path)
        figures.live_upto.append(figures.live_upto[-1] + (status in LIVE_PARTY_STATUSES))
        figures.workers_upto.append(figures.workers_upto[-1] + current.get(pk, 0))
        figures.members += parent_id == head_id and pk != head_id
        if status in LIVE_PARTY_STATUSES and pk != head_id:
            figures.companies += 1
            tiers[tier] += 1
    figures.by_tier = sorted(tiers.items())
    return figures


def branch_ancestors(contract: Contract, viewer_party: ContractParty | None, branch: ContractParty) -> list:
    """The companies above `branch` that the viewer may see, top first: for a company, its own and those between."""
    above = [int(segment) for segment in branch.path.split(".") if segment][:-1]
    if not above:
        return []
    return list(
        parties_visible_to(contract, viewer_party).filter(pk__in=above).select_related("organisation").order_by("tier")
    )


def contract_events(contract: Contract, viewer_party: ContractParty | None, *, limit: int = 50) -> list:
    """The newest history lines the viewer may read: all for the client; for a company, the contract's own (created,
    changed, live, completed) and its branch's."""
    events = contract.events.select_related("actor").order_by("-at", "-pk")
    if viewer_party is not None:
        events = events.filter(Q(party__isnull=True) | Q(party__path__startswith=viewer_party.path))
    return list(events[:limit])
