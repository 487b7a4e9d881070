"""Credits spent at the same moment by several users: never more bookings than credits (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connections

from portal.assessments import selectors, services
from portal.assessments.models import Booking, CreditLedgerEntry
from tests.factories import PortalUserFactory
from tests.factories_assessments import assessment_type, give_credits
from tests.factories_registry import EmploymentFactory
from tests.stripe_fixtures import requires_postgresql


@pytest.mark.postgres
@requires_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_bookings_at_once_for_five_credits():
    user = PortalUserFactory(all_flags=True)
    organisation = user.organisation
    give_credits(organisation, "hse", 5)
    hse = assessment_type("hse")
    employees = [EmploymentFactory(organisation=organisation) for _ in range(20)]
    start = threading.Barrier(20)
    outcomes = []

    def book(employment):
        try:
            start.wait()
            services.booking_create(
                actor=user.user, organisation=organisation, assessment_type=hse,
                delegates=[services.Delegate(employment=employment, email="d@example.com")], consent=True,
            )  # fmt: skip
            outcomes.append("booked")
        except services.AssessmentError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(e,)) for e in employees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes.count("booked") == 5 and outcomes.count("refused") == 15
    assert selectors.credit_balance(organisation=organisation, assessment_type=hse) == 0
    assert Booking.objects.count() == CreditLedgerEntry.objects.filter(change=-1).count() == 5


@pytest.mark.postgres
@requires_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_delegate_booked_twice_at_once_is_booked_once():
    user = PortalUserFactory(all_flags=True)
    organisation = user.organisation
    give_credits(organisation, "hse", 2)
    employment = EmploymentFactory(organisation=organisation)
    start = threading.Barrier(2)
    outcomes = []

    def book():
        try:
            start.wait()
            services.booking_create(
                actor=user.user, organisation=organisation, assessment_type=assessment_type("hse"),
                delegates=[services.Delegate(employment=employment, email="d@example.com")], consent=True,
            )  # fmt: skip
            outcomes.append("booked")
        except services.AssessmentError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["booked", "refused"]
    assert selectors.credit_balance(organisation=organisation, assessment_type=assessment_type("hse")) == 1
