"""Employees: finding an operative's ECS record, adding them to an organisation, moving and leaving."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from portal.accounts import throttle
from portal.accounts.models import User
from portal.employees.models import EmployeeLookup, Employment, OfficeMove
from portal.organisations.models import Office, Organisation
from portal.registry.models import Card, Operative, current_cards
from portal.registry.validators import ni_number_normalise


class EmployeeError(Exception):
    """A rule refused the change; the message is for the user."""


class LookupLimited(EmployeeError):
    """Too many searches by NI number in the last hour, by this user or this organisation."""

    def __init__(self):
        super().__init__("You have searched for too many records in the last hour. Try again later.")


# Shown when a new record's NI number already has one: it does not say so, and points back to the look-up.
NEW_RECORD_REFUSED = (
    "A new record cannot be created with these details. Check the National Insurance number, or look the "
    "operative up again with their date of birth and their last name, ECS card number or H&S assessment number."
)


def _lookup_allowed(*, user: User, organisation: Organisation) -> bool:
    """Count one search by NI number against the user's and the organisation's hourly limits."""
    by_user = throttle.allow(
        f"employee-lookup:user:{user.pk}", limit=settings.EMPLOYEE_LOOKUPS_PER_USER_PER_HOUR, window_seconds=3600
    )
    by_organisation = throttle.allow(
        f"employee-lookup:organisation:{organisation.pk}",
        limit=settings.EMPLOYEE_LOOKUPS_PER_ORGANISATION_PER_HOUR,
        window_seconds=3600,
    )
    return by_user and by_organisation


def _record_lookup(*, user: User, organisation: Organisation, ni_number: str, kind: str, outcome: str) -> None:
    EmployeeLookup.objects.create(
        looked_up_by=user, organisation=organisation, ni_number=ni_number, kind=kind, outcome=outcome
    )


@dataclass(frozen=True)
class LookupResult:
    operative: Operative | None
    already_employed: bool = False


def employee_lookup(
    *,
    organisation: Organisation,
    looked_up_by: User,
    ni_number: str,
    date_of_birth: date,
    last_name: str = "",
    card_number: str = "",
    hse_number: str = "",
) -> LookupResult:
    """Find one ECS record. NI number and date of birth, plus at least one other detail, must ALL match;
    anything less reveals nothing (the result is the same as for nobody). Each search is recorded and counted
    against the user's and the organisation's hourly limits (LookupLimited past them)."""
    if not (last_name or card_number or hse_number):
        raise EmployeeError("Enter at least one of last name, ECS card number or H&S assessment number.")
    ni = ni_number_normalise(ni_number)
    audit = {"user": looked_up_by, "organisation": organisation, "ni_number": ni, "kind": EmployeeLookup.Kind.LOOKUP}
    if not _lookup_allowed(user=looked_up_by, organisation=organisation):
        _record_lookup(**audit, outcome=EmployeeLookup.Outcome.LIMITED)
        raise LookupLimited
    operatives = Operative.objects.filter(ni_number=ni, date_of_birth=date_of_birth)
    if last_name:
        operatives = operatives.filter(last_name__iexact=last_name.strip())
    if card_number:
        operatives = operatives.filter(cards__number=card_number.strip())
    if hse_number:
        operatives = operatives.filter(hse_results__number__iexact=hse_number.strip())
    found = list(operatives.distinct()[:2])
    found_one = len(found) == 1
    _record_lookup(**audit, outcome=EmployeeLookup.Outcome.FOUND if found_one else EmployeeLookup.Outcome.NOT_FOUND)
    if not found_one:
        return LookupResult(operative=None)
    operative = found[0]
    employed = Employment.objects.filter(operative=operative, organisation=organisation, left_on__isnull=True).exists()
    return LookupResult(operative=operative, already_employed=employed)


def employment_card_refresh(*, operative_id: int) -> Card | None:
    """Every employment of the operative, current or past, carries the operative's current card and its expiry
    (`current_cards`: the one rule). Called in the transaction of each change to the operative's cards (a card
    made, replaced, cancelled, corrected or deleted) and when an employment begins. The operative's row is locked
    first (FOR NO KEY UPDATE: a new card's key-share lock on it does not conflict), so two changes at once refresh
    one after the other and the later one sees both."""
    with transaction.atomic():
        list(Operative.objects.select_for_update(no_key=True).filter(pk=operative_id).values_list("pk"))
        card = current_cards(Card.objects.filter(operative_id=operative_id)).only("pk", "expires_on").first()
        Employment.objects.filter(operative_id=operative_id).update(
            card=card, card_expires_on=card.expires_on if card else None
        )
    return card


def employment_names_refresh(*, operative_id: int) -> None:
    """Every employment of the operative carries the operative's names again (after a correction of the record)."""
    operative = Operative.objects.filter(pk=operative_id).values("last_name", "first_name").first()
    if operative is not None:
        Employment.objects.filter(operative_id=operative_id).update(**operative)


def employment_summaries_fill(*, employments: QuerySet | None = None) -> int:
    """The summaries of many employments in one statement (their operative's current card and its expiry, and names)
    for rows loaded in bulk: demo data, benchmarks. The data migrations that added them do the same. Returns how
    many rows it wrote."""
    current = current_cards(Card.objects.filter(operative=OuterRef("operative")))
    operative = Operative.objects.filter(pk=OuterRef("operative"))
    employments = Employment.objects.all() if employments is None else employments
    return employments.update(
        card=Subquery(current.values("pk")[:1]),
        card_expires_on=Subquery(current.values("expires_on")[:1]),
        last_name=Subquery(operative.values("last_name")[:1]),
        first_name=Subquery(operative.values("first_name")[:1]),
    )


def employee_add(
    *, operative: Operative, organisation: Organisation, office: Office, started_on: date, confirmed_by: User
) -> Employment:
    """Record that the operative works for the organisation (the user has confirmed the declaration)."""
    if office.organisation_id != organisation.pk or not office.is_open:
        raise EmployeeError("Choose an open office of your organisation.")
    if started_on > timezone.localdate():
        raise EmployeeError("The start date cannot be in the future.")
    try:
        with transaction.atomic():
            employment = Employment.objects.create(
                operative=operative,
                organisation=organisation,
                office=office,
                started_on=started_on,
                confirmed_by=confirmed_by,
                confirmed_at=timezone.now(),
                last_name=operative.last_name,
                first_name=operative.first_name,
            )
            card = employment_card_refresh(operative_id=operative.pk)
            employment.card, employment.card_expires_on = card, card.expires_on if card else None
            return employment
    except IntegrityError:
        raise EmployeeError(f"{operative.full_name} is already one of your employees.") from None


def employee_create(
    *,
    organisation: Organisation,
    office: Office,
    started_on: date,
    confirmed_by: User,
    title: str,
    first_name: str,
    last_name: str,
    ni_number: str,
    date_of_birth: date,
    gender: str,
) -> Employment:
    """A new ECS record for someone not found by the look-up, and their employment.

    Whether the NI number has a record is itself worth hiding: the check counts as a look-up (limited and
    recorded), and a taken number gets NEW_RECORD_REFUSED, which does not say so."""
    ni = ni_number_normalise(ni_number)
    audit = {
        "user": confirmed_by,
        "organisation": organisation,
        "ni_number": ni,
        "kind": EmployeeLookup.Kind.NEW_RECORD,
    }
    if not _lookup_allowed(user=confirmed_by, organisation=organisation):
        _record_lookup(**audit, outcome=EmployeeLookup.Outcome.LIMITED)
        raise LookupLimited
    if Operative.objects.filter(ni_number=ni).exists():
        _record_lookup(**audit, outcome=EmployeeLookup.Outcome.NUMBER_TAKEN)
        raise EmployeeError(NEW_RECORD_REFUSED)
    _record_lookup(**audit, outcome=EmployeeLookup.Outcome.NOT_FOUND)
    with transaction.atomic():
        try:
            with transaction.atomic():
                operative = Operative.objects.create(
                    title=title,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    ni_number=ni,
                    date_of_birth=date_of_birth,
                    gender=gender,
                )
        except IntegrityError:  # the number was taken a moment ago
            raise EmployeeError(NEW_RECORD_REFUSED) from None
        return employee_add(
            operative=operative,
            organisation=organisation,
            office=office,
            started_on=started_on,
            confirmed_by=confirmed_by,
        )


def employee_allocate_office(*, employment: Employment, office: Office, moved_by: User) -> Employment:
    """Move a current employee to another open office of the employer; the move is kept in their history."""
    if office.organisation_id != employment.organisation_id or not office.is_open:
        raise EmployeeError("Choose an open office of your organisation.")
    with transaction.atomic():
        locked = Employment.objects.select_for_update().get(pk=employment.pk)
        if locked.left_on is not None:
            raise EmployeeError("This employee has left: their office cannot change.")
        if locked.office_id == office.pk:
            raise EmployeeError(f"They already work at {office.name}.")
        OfficeMove.objects.create(
            employment=locked, from_office_id=locked.office_id, to_office=office, moved_by=moved_by
        )
        Employment.objects.filter(pk=employment.pk).update(office=office)
    employment.office = office
    return employment


def employee_leave(*, employment: Employment, left_on: date, recorded_by: User) -> Employment:
    if employment.left_on is not None:
        raise EmployeeError("This employee has already left.")
    if left_on < employment.started_on:
        raise EmployeeError("The leaving date cannot be before the start date.")
    with transaction.atomic():
        updated = Employment.objects.filter(pk=employment.pk, left_on__isnull=True).update(
            left_on=left_on, left_recorded_by=recorded_by
        )
        if not updated:
            raise EmployeeError("This employee has already left.")
    employment.left_on = left_on
    return employment
