"""Employees: finding an operative's ECS record, adding them to an organisation, moving and leaving."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.employees.models import Employment
from portal.organisations.models import Office, Organisation
from portal.registry.models import Operative
from portal.registry.validators import ni_number_normalise


class EmployeeError(Exception):
    """A rule refused the change; the message is for the user."""


@dataclass(frozen=True)
class LookupResult:
    operative: Operative | None
    already_employed: bool = False


def employee_lookup(
    *,
    organisation: Organisation,
    ni_number: str,
    date_of_birth: date,
    last_name: str = "",
    card_number: str = "",
    hse_number: str = "",
) -> LookupResult:
    """Find one ECS record. NI number and date of birth, plus at least one other detail, must ALL match;
    anything less reveals nothing (the result is the same as for nobody)."""
    if not (last_name or card_number or hse_number):
        raise EmployeeError("Enter at least one of last name, ECS card number or H&S assessment number.")
    operatives = Operative.objects.filter(ni_number=ni_number_normalise(ni_number), date_of_birth=date_of_birth)
    if last_name:
        operatives = operatives.filter(last_name__iexact=last_name.strip())
    if card_number:
        operatives = operatives.filter(cards__number=card_number.strip())
    if hse_number:
        operatives = operatives.filter(hse_results__number__iexact=hse_number.strip())
    found = list(operatives.distinct()[:2])
    if len(found) != 1:
        return LookupResult(operative=None)
    operative = found[0]
    employed = Employment.objects.filter(operative=operative, organisation=organisation, left_on__isnull=True).exists()
    return LookupResult(operative=operative, already_employed=employed)


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
            return Employment.objects.create(
                operative=operative,
                organisation=organisation,
                office=office,
                started_on=started_on,
                confirmed_by=confirmed_by,
                confirmed_at=timezone.now(),
            )
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
    """A new ECS record for someone not found by the look-up, and their employment."""
    ni = ni_number_normalise(ni_number)
    with transaction.atomic():
        if Operative.objects.filter(ni_number=ni).exists():
            # Never reveal another record's details: the user must look it up with matching details.
            raise EmployeeError(
                "An ECS record already exists for this National Insurance number. "
                "Look it up again with the operative's date of birth and last name, card or H&S number."
            )
        operative = Operative.objects.create(
            title=title,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            ni_number=ni,
            date_of_birth=date_of_birth,
            gender=gender,
        )
        return employee_add(
            operative=operative,
            organisation=organisation,
            office=office,
            started_on=started_on,
            confirmed_by=confirmed_by,
        )


def employee_allocate_office(*, employment: Employment, office: Office) -> Employment:
    if office.organisation_id != employment.organisation_id or not office.is_open:
        raise EmployeeError("Choose an open office of your organisation.")
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
