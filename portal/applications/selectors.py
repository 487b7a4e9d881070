"""Reads shared by the application's steps, its lists, the employer's pages after payment and the JIB's checks."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.applications.models import ApplicationDocument, ApplicationEvent, CardApplication
from portal.employees.models import Employment
from portal.orders.models import ApplicationType
from portal.organisations.access import access, scope
from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag
from portal.registry.models import Card, CardType, Grade, HseResult, Occupation
from portal.registry.selectors import occupations_offered, valid_hse_pass

DocStatus = ApplicationDocument.Status
Status = CardApplication.Status
# Documents whose qualification counts for offering occupations: verified, or left for the JIB to check by hand.
CLAIMED = (DocStatus.VERIFIED, DocStatus.MANUAL_CHECK, DocStatus.ACCEPTED)


def held_qualification_type_ids(*, application: CardApplication, verified_only: bool = False) -> set[int]:
    """The recognised qualifications the application's documents show (verified ones only, if asked)."""
    statuses = (DocStatus.VERIFIED, DocStatus.ACCEPTED) if verified_only else CLAIMED
    return set(
        application.documents.filter(status__in=statuses, qualification_type__isnull=False).values_list(
            "qualification_type_id", flat=True
        )
    )


def hse_problem(*, application: CardApplication, today: date | None = None) -> str:
    """Why the HS&E part of step 2 is not complete ("" when it is)."""
    today = today or date.today()
    route = application.hse_route
    Route = CardApplication.HseRoute
    if not route:
        return "Say how the applicant meets the HS&E requirement."
    if route == Route.VALID_RESULT:
        result = application.hse_result
        if result is None or not result.is_valid_on(today):
            return "The applicant has no valid HS&E assessment on their ECS record."
    if route == Route.EXEMPTION:
        if application.hse_exemption_id is None:
            return "Choose the HS&E exemption."
        if not application.documents.filter(kind=ApplicationDocument.Kind.HSE_EXEMPTION).exists():
            return "Upload the evidence of the HS&E exemption."
    if route == Route.WILL_SIT and not application.hse_sitting:
        return "Say how the applicant will sit the HS&E assessment."
    return ""


# ---------------------------------------------------------------------------------------------------------------
# Starting applications: which card types each employee may apply for


@dataclass(frozen=True)
class CardTypeChoice:
    """One card type an employee may apply for: `key` is what the start form posts."""

    key: str
    card_type: CardType
    application_type: str
    renews_card: Card | None = None

    @property
    def label(self) -> str:
        kind = "Renewal" if self.application_type == ApplicationType.RENEWAL else "Initial"
        return f"{self.card_type.name} - {kind}"


@dataclass
class Availability:
    """What one employee may apply for, or why nothing (an application already in progress)."""

    employment: Employment
    choices: list[CardTypeChoice] = field(default_factory=list)
    reason: str = ""

    def choice(self, key: str) -> CardTypeChoice | None:
        return next((c for c in self.choices if c.key == key), None)


def in_renewal_window(card: Card, today: date) -> bool:
    """A renewable card in its last `renewal_window_months` before expiry, up to and including the expiry day."""
    card_type = card.card_type
    if card.cancelled_at is not None or not card_type.renewable:
        return False
    return card.expires_on - relativedelta(months=card_type.renewal_window_months) <= today <= card.expires_on


def card_types_available(*, employments: list[Employment], today: date | None = None) -> dict[int, Availability]:
    """Per employment (by pk): the card types its operative may apply for.

    - Initial: every active card type of which they hold no current card (unexpired and not cancelled).
    - Renewal: a renewable card type of a card they hold that is in its renewal window.
    - Nothing, with the reason, while an application for them is in progress (with any employer: one at a time).
    Three queries whatever the number of employees."""
    today = today or date.today()
    operative_ids = {e.operative_id for e in employments}
    card_types = list(CardType.objects.filter(is_active=True).select_related("family"))
    cards: dict[int, list[Card]] = {}
    for card in Card.objects.filter(
        operative_id__in=operative_ids, cancelled_at__isnull=True, expires_on__gte=today
    ).select_related("card_type"):
        cards.setdefault(card.operative_id, []).append(card)
    busy: dict[int, tuple[str, int]] = {}
    for reference, operative_id, organisation_id in (
        CardApplication.objects.filter(operative_id__in=operative_ids)
        .exclude(status__in=CardApplication.ENDED)  # in progress until it ends
        .values_list("reference", "operative_id", "organisation_id")
    ):
        busy.setdefault(operative_id, (reference, organisation_id))
    available = {}
    for employment in employments:
        availability = Availability(employment=employment)
        available[employment.pk] = availability
        if employment.operative_id in busy:
            reference, organisation_id = busy[employment.operative_id]
            availability.reason = (
                f"Application {reference} is already in progress for them."
                if organisation_id == employment.organisation_id
                else "An application for them is already in progress with another employer."
            )
            continue
        held = cards.get(employment.operative_id, [])
        held_types = {c.card_type_id for c in held}
        for card in sorted(held, key=lambda c: c.card_type.name):
            if card.card_type.is_active and in_renewal_window(card, today):
                availability.choices.append(
                    CardTypeChoice(f"renewal:{card.pk}", card.card_type, ApplicationType.RENEWAL, card)
                )
        for card_type in card_types:
            if card_type.pk not in held_types:
                availability.choices.append(
                    CardTypeChoice(f"initial:{card_type.pk}", card_type, ApplicationType.INITIAL)
                )
        if not availability.choices:
            availability.reason = "They hold a current card of every card type and none is due for renewal."
    return available


def applications_in_progress_count():
    """An annotation for Employment querysets: the employee's applications with this employer not yet ended."""
    return Coalesce(
        Subquery(
            CardApplication.objects.filter(employment=OuterRef("pk"))
            .exclude(status__in=CardApplication.ENDED)  # in progress until it ends
            .order_by()
            .values("employment")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


# ---------------------------------------------------------------------------------------------------------------
# Step 3: what the held qualifications allow

# The family whose graded occupations are qualified electricians (reference data name, seeded in registry 0002).
ELECTRICAL_FAMILY = "Core - Electrical"


@dataclass
class OccupationOption:
    occupation: Occupation
    allowed: bool
    missing: list[str]
    # Each requirement not met, with the recognised qualifications any one of which would meet it.
    needs: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class OccupationOptions:
    """Step 3's choices for one application, and the rules for the two schemes (see docs/card-applications.md)."""

    card_type: CardType
    main: list[OccupationOption]
    additional: list[OccupationOption]
    registered_electrician_since: date | None
    qualified_supervisor_since: date | None

    def main_allowed(self) -> list[Occupation]:
        return [o.occupation for o in self.main if o.allowed]

    def additional_allowed(self) -> list[Occupation]:
        return [o.occupation for o in self.additional if o.allowed]

    def option(self, occupation_id: int | None) -> OccupationOption | None:
        return next((o for o in self.main if o.occupation.pk == occupation_id), None)

    def is_electrician(self, occupation: Occupation | None) -> bool:
        """A graded occupation of the electrical family: a qualified electrician."""
        return (
            occupation is not None
            and self.card_type.family.name == ELECTRICAL_FAMILY
            and bool(list(occupation.grades.all()))
        )

    def registered_electrician_offered(self, occupation: Occupation | None) -> bool:
        """Offered to a qualified electrician who is not registered yet."""
        return self.registered_electrician_since is None and self.is_electrician(occupation)

    def qualified_supervisor_offered(self, occupation: Occupation | None, grade: Grade | None) -> bool:
        """Offered to a qualified electrician applying for a grade above the occupation's entry grade (e.g. Approved
        Electrician, Technician) who does not hold the status yet; the employer then endorses it and the JIB checks."""
        if self.qualified_supervisor_since is not None or not self.is_electrician(occupation) or grade is None:
            return False
        grades = list(occupation.grades.all())
        return grade.pk in {g.pk for g in grades} and grade.position > min(g.position for g in grades)


def occupation_options(*, application: CardApplication) -> OccupationOptions:
    """The card type's occupations, each with whether the application's documents meet its requirements."""
    offered = occupations_offered(
        card_type=application.card_type, held_qualification_ids=held_qualification_type_ids(application=application)
    )
    main, additional = [], []
    for occupation, allowed, missing in offered:
        needs = [
            (r.description, [" ".join(filter(None, [q.awarding_body.name, q.code, q.title])) for q in r.any_of.all()])
            for r in missing
        ]
        option = OccupationOption(occupation, allowed, [r.description for r in missing], needs)
        if occupation.can_be_main:
            main.append(option)
        if occupation.can_be_additional:
            additional.append(option)
    operative = application.operative
    return OccupationOptions(
        card_type=application.card_type,
        main=main,
        additional=additional,
        registered_electrician_since=operative.registered_electrician_since,
        qualified_supervisor_since=operative.qualified_supervisor_since,
    )


def occupations_problems(
    *,
    options: OccupationOptions,
    main_occupation: Occupation | None,
    grade: Grade | None,
    additional: list[Occupation],
    registered_electrician: bool,
    qualified_supervisor: bool,
) -> dict[str, str]:
    """Step 3's answers against the rules, by field ("" field for the whole step)."""
    problems = {}
    option = options.option(main_occupation.pk) if main_occupation else None
    if main_occupation is None:
        problems["main_occupation"] = "Choose the main occupation."
    elif option is None:
        problems["main_occupation"] = f"{main_occupation} is not an occupation of the {options.card_type} card."
    elif not option.allowed:
        problems["main_occupation"] = f"{main_occupation} needs: {'; '.join(option.missing)}."
    if option is not None:
        grades = list(option.occupation.grades.all())
        if grades and grade is None:
            problems["grade"] = f"Choose the grade of {option.occupation}."
        elif grade is not None and grade.pk not in {g.pk for g in grades}:
            problems["grade"] = f"{grade} is not a grade of {option.occupation}."
    allowed_additional = {o.pk for o in options.additional_allowed()}
    for occupation in additional:
        if main_occupation is not None and occupation.pk == main_occupation.pk:
            problems["additional_occupations"] = "The main occupation cannot also be an additional occupation."
        elif occupation.pk not in allowed_additional:
            problems["additional_occupations"] = f"The qualifications do not allow {occupation} as an addition."
    occupation = option.occupation if option else None
    if registered_electrician and not options.registered_electrician_offered(occupation):
        problems["registered_electrician"] = (
            "The ECS Registered Electrician scheme is for qualified electricians not yet registered."
        )
    if qualified_supervisor and not options.qualified_supervisor_offered(occupation, grade):
        problems["qualified_supervisor"] = (
            "Qualified Supervisor status can be asked for a qualified electrician above the entry grade."
        )
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Step 4: what stops an application being finalised


def applicant_problems(*, application: CardApplication) -> list[str]:
    problems = []
    if not application.business_phone:
        problems.append("Enter the business phone number.")
    if not application.business_email:
        problems.append("Enter the business email address.")
    if not application.photo:
        problems.append("Upload a photo of the applicant.")
    elif application.photo_problems:
        problems.append("The photo does not meet the guidance: upload another.")
    return problems


def card_application_problems(*, application: CardApplication, today: date | None = None) -> dict[int, list[str]]:
    """What stops the application being finalised, per step (1-3); empty lists when it is complete."""
    step2 = []
    reading = application.documents.filter(status=DocStatus.READING).count()
    if reading:
        step2.append(f"{reading} document{'s are' if reading > 1 else ' is'} still being read: wait for the result.")
    if hse := hse_problem(application=application, today=today):
        step2.append(hse)
    step3 = []
    if application.main_occupation_id is None:
        step3.append("Choose the main occupation.")
    else:
        options = occupation_options(application=application)
        found = occupations_problems(
            options=options,
            main_occupation=application.main_occupation,
            grade=application.grade,
            additional=list(application.additional_occupations.all()),
            registered_electrician=application.registered_electrician,
            qualified_supervisor=application.qualified_supervisor,
        )
        step3.extend(found.values())
    return {1: applicant_problems(application=application), 2: step2, 3: step3}


# ---------------------------------------------------------------------------------------------------------------
# The lists and the detail page (a constant number of queries each)

# The JIB's stages as the employer sees them, in order.
STAGES = [
    (CardApplication.Status.RECEIVED, "Received"),
    (CardApplication.Status.VERIFYING, "Verifying"),
    (CardApplication.Status.VERIFIED, "Verified"),
    (CardApplication.Status.APPROVED, "Approved"),
    (CardApplication.Status.PREPARED, "Prepared"),
    (CardApplication.Status.DISPATCHED, "Dispatched"),
]
# Where the side states sit on that line.
STAGE_OF = {
    CardApplication.Status.AWAITING_ENDORSEMENT: CardApplication.Status.RECEIVED,
    CardApplication.Status.ON_HOLD: CardApplication.Status.VERIFYING,
    CardApplication.Status.CONDITIONAL_HOLD: CardApplication.Status.VERIFYING,
}


def stage_line(application: CardApplication) -> list[dict]:
    """Received → … → Dispatched with each stage done, current or to come (empty before payment)."""
    status = STAGE_OF.get(application.status, application.status)
    order = [s for s, _ in STAGES]
    if status not in order:
        return []
    at = order.index(status)
    return [
        {"label": label, "state": "done" if i < at else "current" if i == at else "todo"}
        for i, (_, label) in enumerate(STAGES)
    ]


def applications_in_scope(portal_user) -> QuerySet:
    return scope(CardApplication.objects.all(), portal_user, flag=Flag.VIEW_APPLICATIONS)


def _listing(queryset: QuerySet, *, columns: tuple[str, ...], hse: bool = False) -> QuerySet:
    """What an attention table shows of each row, and nothing else (an application has some fifty columns: reading
    and building them all cost more than the page's queries); the HS&E results (one more query) only where the table
    shows them."""
    related = sorted({column.rsplit("__", 1)[0] for column in columns if "__" in column})
    queryset = queryset.select_related(*related).only(*columns)
    if hse:
        queryset = queryset.prefetch_related(
            Prefetch("operative__hse_results", queryset=HseResult.objects.order_by("-taken_on"), to_attr="hse_list")
        )
    return queryset


# The sections of Applications Requiring Attention: (name, statuses, order). Each is paginated on its own.
ATTENTION_SECTIONS = (
    ("in_progress", (Status.IN_PROGRESS,), ("operative__last_name", "pk")),
    ("finalised", (Status.FINALISED,), ("finalised_at", "pk")),
    ("ordered", (Status.ORDERED,), ("-updated_at", "pk")),
    ("action", (Status.ON_HOLD, Status.AWAITING_ENDORSEMENT), ("updated_at", "pk")),
)
# The columns each section's table shows (templates/rows/*.jinja).
_NAMES = ("reference", "operative__first_name", "operative__last_name", "office__name")
_TYPE = ("application_type", "card_type__short_name")
SECTION_COLUMNS = {
    "in_progress": (*_NAMES, *_TYPE, "status", "step", "created_at"),
    "finalised": (
        *_NAMES, *_TYPE, "status", "organisation__name", "photo", "photo_problems", "grade__name",
        "main_occupation__name",
    ),
    "ordered": (*_NAMES, *_TYPE, "status", "main_occupation__name"),
    "action": (
        *_NAMES, "status", "hold_reason", "awaiting_supervisor_endorsement", "awaiting_grading_endorsement",
        "updated_at",
    ),
}  # fmt: skip


def applications_requiring_attention(portal_user) -> dict[str, QuerySet]:
    """The employer's sections: in progress, finalised, ordered, and the ones waiting for the employer's action."""
    mine = applications_in_scope(portal_user)
    return {
        name: _listing(
            mine.filter(status__in=statuses), columns=SECTION_COLUMNS[name], hse=name == "finalised"
        ).order_by(*order)
        for name, statuses, order in ATTENTION_SECTIONS
    }


def applications_attention_counts(portal_user) -> dict[str, int]:
    """How many applications each section of Applications Requiring Attention holds, and how many of the action
    section are on hold or awaiting endorsement (the home page's counts): one grouped query."""
    statuses = [status for _, section, _ in ATTENTION_SECTIONS for status in section]
    by_status = dict(
        applications_in_scope(portal_user)
        .filter(status__in=statuses)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts = {name: sum(by_status.get(s, 0) for s in section) for name, section, _ in ATTENTION_SECTIONS}
    counts["on_hold"] = by_status.get(Status.ON_HOLD, 0)
    counts["awaiting_endorsement"] = by_status.get(Status.AWAITING_ENDORSEMENT, 0)
    return counts


def card_application_detail(portal_user, *, pk: int) -> CardApplication:
    """One application in the user's scope with its documents and events (404 outside, 403 without the flag)."""
    return access(
        CardApplication.objects.select_related(
            "operative", "office", "organisation", "card_type__family", "main_occupation", "grade",
            "renews_card", "hse_result", "hse_exemption", "finalised_by", "created_by", "card",
        ).prefetch_related(
            "additional_occupations",
            Prefetch("documents", queryset=ApplicationDocument.objects.select_related(
                "awarding_body", "reference_type", "qualification_type__awarding_body")),
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        ),
        portal_user,
        flag=Flag.VIEW_APPLICATIONS,
        pk=pk,
    )  # fmt: skip


def employments_to_start(portal_user, *, ids: list[int]) -> list[Employment]:
    """The chosen current employees in the user's scope (Can Fill In Applications), in the order chosen, with their
    HS&E results and whether a photo is already on an earlier application."""
    employments = (
        scope(Employment.objects.filter(left_on__isnull=True), portal_user, flag=Flag.FILL_IN_APPLICATIONS)
        .filter(pk__in=ids)
        .select_related("operative", "office")
        .annotate(
            has_photo=Exists(CardApplication.objects.filter(operative=OuterRef("operative_id")).exclude(photo=""))
        )
        .prefetch_related(
            Prefetch("operative__hse_results", queryset=HseResult.objects.order_by("-taken_on"), to_attr="hse_list")
        )
    )
    position = {pk: i for i, pk in enumerate(ids)}
    return sorted(employments, key=lambda e: position[e.pk])


def application_documents(*, application: CardApplication):
    """The application's documents with what they name, in the order they were added (one query)."""
    return application.documents.select_related(
        "awarding_body", "reference_type", "qualification_type__awarding_body"
    ).order_by("uploaded_at", "pk")


def card_application_step2_problems(*, application: CardApplication, today: date | None = None) -> list[str]:
    """What still stops the employer moving on from step 2 (empty when nothing does)."""
    problems = []
    if application.documents.filter(status=DocStatus.READING).exists():
        problems.append("Wait until every document has been read and checked.")
    hse = hse_problem(application=application, today=today)
    if hse and not (not application.hse_route and valid_hse_pass(operative_id=application.operative_id, today=today)):
        problems.append(hse)
    return problems


# ---------------------------------------------------------------------------------------------------------------
# After payment: endorsements, the pre-checks' findings, the employer's lists of the JIB's stages

# Completed applications stay visible to the employer for three months (user guide, appendix).
COMPLETED_VISIBLE_FOR = timedelta(days=92)

# What the employer sees for each JIB stage, in MyECS's words.
STAGE_HINTS = {
    Status.RECEIVED: "Received by the JIB.",
    Status.AWAITING_ENDORSEMENT: "Waiting for your company to endorse it.",
    Status.VERIFYING: "The JIB is checking the qualifications, HS&E and documents.",
    Status.ON_HOLD: "On hold: the JIB needs something from you.",
    Status.CONDITIONAL_HOLD: "Conditional hold: waiting for an HS&E assessment pass.",
    Status.VERIFIED: "Verified: waiting for a team leader's approval.",
    Status.APPROVED: "Approved: the card is being prepared.",
    Status.PREPARED: "Card printed: waiting to be dispatched.",
    Status.DISPATCHED: "Card dispatched.",
    Status.REJECTED: "Rejected by the JIB.",
}

# The flag an employer's user needs for each endorsement.
ENDORSEMENT_FLAGS = {
    CardApplication.Endorsement.GRADING: Flag.ENDORSE_GRADING,
    CardApplication.Endorsement.SUPERVISOR: Flag.ENDORSE_QUALIFIED_SUPERVISOR,
}


def reference_card(*, application: CardApplication) -> Card | None:
    """The card a change in grading is measured against: the card being renewed, else the operative's newest
    card of the same card type that has not been cancelled (expired ones count: they show the grade last held)."""
    if application.renews_card_id:
        return application.renews_card
    return (
        Card.objects.filter(
            operative_id=application.operative_id, card_type_id=application.card_type_id, cancelled_at__isnull=True
        )
        .order_by("-expires_on", "-pk")
        .first()
    )


def needs_grading_endorsement(*, application: CardApplication) -> bool:
    """A change in grading: the application names a grade, and the operative holds (or held) a card of this card
    type whose recorded grade is a different one, or none (a card issued before grades were recorded).
    A first card of a type needs no endorsement: its grade rests on the qualifications the JIB verifies."""
    if application.grade_id is None:
        return False
    card = reference_card(application=application)
    return card is not None and card.grade_id != application.grade_id


def needs_supervisor_endorsement(*, application: CardApplication) -> bool:
    """Qualified Supervisor status is asked for (the employer vouches for it, the JIB checks it)."""
    return bool(application.qualified_supervisor)


def card_application_in_reach(*, user, application_id: int, flag: Flag) -> bool:
    """Whether `user` is an active portal user of the application's organisation holding `flag` at the
    applicant's office or above it (the portal's own scope rule, without raising)."""
    portal_user = PortalUser.objects.select_related("office", "user").filter(user_id=user.pk).first()
    if portal_user is None or not portal_user.is_active:
        return False
    try:
        return scope(CardApplication.objects.filter(pk=application_id), portal_user, flag=flag).exists()
    except PermissionDenied:
        return False


def documents_to_recheck(*, application: CardApplication) -> list[ApplicationDocument]:
    """Certificates with enough details to ask the awarding body, whose answer is missing (the body could not be
    reached when they were entered), and that the JIB has not already decided."""
    return list(
        application.documents.filter(
            kind=ApplicationDocument.Kind.CERTIFICATE,
            awarding_body__isnull=False,
            status__in=(DocStatus.MANUAL_CHECK, DocStatus.NOT_MATCHED, DocStatus.READING, DocStatus.VERIFIED),
        )
        .exclude(certificate_number="")
        .select_related("awarding_body", "qualification_type")
        .filter(body_check={})
    )


def _list_base(portal_user: PortalUser, *columns: str) -> QuerySet:
    """The user's applications with the columns a list's table shows (templates/rows/*.jinja) and no others."""
    return _listing(applications_in_scope(portal_user), columns=(*_NAMES, *_TYPE, "status", *columns))


def applications_being_produced(portal_user: PortalUser) -> QuerySet:
    """Paid applications the JIB has in hand, in the user's scope, oldest payment first (each says which
    endorsement the process waits for: fields of the application, no query per row)."""
    return (
        _list_base(
            portal_user,
            "paid_at",
            "hold_reason",
            "awaiting_grading_endorsement",
            "awaiting_supervisor_endorsement",
            "main_occupation__name",
            "grade__name",
        )  # fmt: skip
        .filter(paid_at__isnull=False, status__in=CardApplication.JIB_STAGES)
        .order_by("paid_at", "pk")
    )


def applications_completed(portal_user: PortalUser, *, now=None) -> QuerySet:
    """Applications finished in the last three months (dispatched, or rejected), newest first."""
    since = (now or timezone.now()) - COMPLETED_VISIBLE_FOR
    return (
        _list_base(portal_user, "completed_at", "decision_reason", "card__number", "card__expires_on")
        .filter(status__in=CardApplication.FINISHED, completed_at__gte=since)
        .order_by("-completed_at", "-pk")
    )


# What the employer reads while documents are being read: the usual wait, then, once the reading has taken longer
# than READING_SLOW_AFTER (the awarding body is slow or down and the check is being retried), what is happening.
READING_SLOW_AFTER_SECONDS = 20
READING_USUAL = "This usually takes a few seconds. The page updates when it is done."
READING_SLOW = (
    "The awarding body is taking longer than usual to answer, so we keep trying for a few minutes. If it still does "
    "not answer, the JIB checks the document by hand: you do not need to upload it again, and you can carry on with "
    "the application meanwhile."
)


def document_reading_note(*, reading_since, now) -> str:
    """The sentence under "Reading the document…": `reading_since` is when the longest-waiting reading began."""
    if reading_since is not None and (now - reading_since).total_seconds() > READING_SLOW_AFTER_SECONDS:
        return READING_SLOW
    return READING_USUAL


@dataclass(frozen=True)
class DeliveryAddress:
    """Where the processing team sends an application's card: the paying order's deliver-to office (or, when the
    order names none, the office that raised it), for the attention of whom the order says."""

    order_reference: str
    office_name: str
    address: str
    postcode: str
    attention: str

    def lines(self) -> list[str]:
        """The address as it goes on the envelope, one line each."""
        lines = [f"FAO {self.attention}"] if self.attention else []
        lines.append(self.office_name)
        lines += [line.strip() for line in self.address.replace("\r", "").split("\n") if line.strip()]
        if self.postcode:
            lines.append(self.postcode)
        return lines

    def __str__(self) -> str:
        return ", ".join(self.lines())


def delivery_address(*, application: CardApplication) -> DeliveryAddress | None:
    """The delivery address of the order that paid for the application (None when no live order holds it)."""
    line = (
        application.order_lines.filter(live=True)
        .select_related("order__deliver_to", "order__office")
        .order_by("-pk")
        .first()
    )
    if line is None:
        return None
    order = line.order
    office = order.deliver_to or order.office
    return DeliveryAddress(
        order_reference=order.reference,
        office_name=office.name,
        address=office.address,
        postcode=office.postcode,
        attention=order.delivery_attention,
    )
