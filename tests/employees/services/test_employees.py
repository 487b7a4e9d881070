"""Employees through their services: NI number rules, the lookup and its limits, employment over time."""

from datetime import date

import pytest

from portal.employees import services
from portal.registry.validators import ni_number_problem
from tests.factories import OrganisationFactory, PortalUserFactory, UserFactory
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("QQ123456C", False),  # Q is never a first letter
        ("AB123456C", True),
        ("ab 12 34 56 c", True),
        ("AB123456E", False),  # suffix A-D only
        ("DA123456A", False),  # D never first
        ("AO123456A", False),  # O never second
        ("GB123456A", False),  # not allocated
        ("NK123456A", False),
        ("TN123456A", False),  # temporary
        ("ZZ123456A", False),
        ("AB12345C", False),  # five digits
        ("A1123456C", False),
        ("", False),
    ],
)
def test_ni_number_rules(value, ok):
    assert (ni_number_problem(value) is None) is ok


@pytest.mark.parametrize(
    "details",
    [{"last_name": "Jones"}, {"last_name": "jones "}, {"card_number": "12345678"}, {"hse_number": "HSE0000001"},
     {"last_name": "Jones", "card_number": "12345678"}],
)  # fmt: skip
def test_lookup_finds_the_record_when_everything_given_matches(record, organisation, details):
    result = services.employee_lookup(
        organisation=organisation, looked_up_by=UserFactory(), ni_number="ab 12 34 56 c",
        date_of_birth=date(1980, 2, 3), **details,
    )  # fmt: skip
    assert result.operative == record


@pytest.mark.parametrize(
    ("dob", "details"),
    [
        (date(1980, 2, 4), {"last_name": "Jones"}),  # wrong date of birth
        (date(1980, 2, 3), {"last_name": "Jonas"}),  # wrong name
        (date(1980, 2, 3), {"last_name": "Jones", "card_number": "99999999"}),  # one of two details wrong
        (date(1980, 2, 3), {"hse_number": "HSE0000002"}),
    ],
)
def test_partial_match_reveals_nothing(record, organisation, dob, details):
    result = services.employee_lookup(
        organisation=organisation, looked_up_by=UserFactory(), ni_number="AB123456C", date_of_birth=dob, **details
    )
    assert result.operative is None


def test_lookup_needs_a_third_detail(record, organisation):
    with pytest.raises(services.EmployeeError):
        services.employee_lookup(
            organisation=organisation, looked_up_by=UserFactory(), ni_number="AB123456C", date_of_birth=date(1980, 2, 3)
        )


def test_an_operative_can_work_for_several_companies_over_time(primary_user, record):
    other = OrganisationFactory()
    first = EmploymentFactory(operative=record, organisation=other, started_on=date(2015, 1, 1))
    services.employee_leave(employment=first, left_on=date(2019, 12, 31), recorded_by=primary_user.user)
    services.employee_add(
        operative=record, organisation=other, office=other.head_office, started_on=date(2022, 1, 1),
        confirmed_by=primary_user.user,
    )  # fmt: skip
    services.employee_add(
        operative=record, organisation=primary_user.organisation, office=primary_user.office,
        started_on=date(2023, 1, 1), confirmed_by=primary_user.user,
    )  # fmt: skip
    with pytest.raises(services.EmployeeError):
        services.employee_add(
            operative=record, organisation=primary_user.organisation, office=primary_user.office,
            started_on=date(2023, 1, 1), confirmed_by=primary_user.user,
        )  # fmt: skip
    assert record.employments.count() == 3


def test_look_ups_are_limited_per_organisation(primary_user, record, settings):
    settings.EMPLOYEE_LOOKUPS_PER_USER_PER_HOUR = 100
    settings.EMPLOYEE_LOOKUPS_PER_ORGANISATION_PER_HOUR = 4
    people = [PortalUserFactory(organisation=primary_user.organisation).user for _ in range(4)]
    for user in people:
        services.employee_lookup(organisation=primary_user.organisation, looked_up_by=user, ni_number="AB123456C",
                                 date_of_birth=date(1980, 2, 3), last_name="Jones")  # fmt: skip
    with pytest.raises(services.LookupLimited):
        services.employee_lookup(organisation=primary_user.organisation, looked_up_by=primary_user.user,
                                 ni_number="AB123456C", date_of_birth=date(1980, 2, 3), last_name="Jones")  # fmt: skip
    other = OrganisationFactory()
    found = services.employee_lookup(organisation=other, looked_up_by=UserFactory(), ni_number="AB123456C",
                                     date_of_birth=date(1980, 2, 3), last_name="Jones")  # fmt: skip
    assert found.operative == record
