"""Each employment carries its operative's current card and its expiry (`Employment.card`, `card_expires_on`): the
summary the card lists and the home page's counts read. Every service that changes a card refreshes it in the same
transaction, by the one rule (`registry.models.current_cards`); the guard in tests/card_summary.py checks it after
every test of the folders that change cards."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from portal.applications import services as application_services
from portal.applications.models import CardApplication
from portal.employees import selectors as employee_selectors
from portal.employees import services
from portal.employees.models import Employment
from portal.orders.models import ApplicationType
from portal.registry.models import Card, CardType
from tests.card_summary import stale_card_summaries
from tests.factories import UserFactory
from tests.factories_applications import start_application
from tests.factories_registry import CardFactory, EmploymentFactory, OperativeFactory

pytestmark = pytest.mark.django_db
Status = CardApplication.Status


def summary(employment: Employment) -> tuple:
    employment.refresh_from_db()
    return employment.card_id, employment.card_expires_on


def test_the_rule_latest_expiry_not_cancelled_newest_row_on_a_tie():
    employment = EmploymentFactory()
    operative, today = employment.operative, date.today()
    assert summary(employment) == (None, None)
    older = CardFactory(operative=operative, expires_on=today + timedelta(days=10))
    assert summary(employment) == (older.pk, older.expires_on)
    CardFactory(operative=operative, expires_on=today + timedelta(days=900), cancelled_at=timezone.now())
    assert summary(employment) == (older.pk, older.expires_on)  # a cancelled card is never current
    tie = CardFactory(operative=operative, expires_on=older.expires_on)
    assert summary(employment) == (tie.pk, tie.expires_on)  # the newest row on a tie


def test_a_prepared_renewal_is_the_current_card_and_stays_so_once_dispatched(primary_user):
    employment = EmploymentFactory(organisation=primary_user.organisation, office=primary_user.office)
    labourer = CardType.objects.get(name="Electrical Labourer")
    old = CardFactory(operative=employment.operative, card_type=labourer, expires_on=date.today() + timedelta(days=40))
    application = start_application(
        portal_user=primary_user, employment=employment, card_type=labourer,
        application_type=ApplicationType.RENEWAL, renews_card=old,
    )  # fmt: skip
    CardApplication.objects.filter(pk=application.pk).update(status=Status.APPROVED)
    application = application_services.card_application_prepare(application=application)
    new = application.card
    assert new.expires_on > old.expires_on
    assert summary(employment) == (new.pk, new.expires_on)  # fails without the refresh in card_application_prepare
    application_services.card_application_dispatch(application=application, actor=primary_user.user)
    old.refresh_from_db()
    assert old.cancelled_at is not None
    assert summary(employment) == (new.pk, new.expires_on)
    assert stale_card_summaries({employment.operative_id}) == []


def test_a_new_employment_carries_the_operatives_current_card(organisation):
    operative = OperativeFactory()
    card = CardFactory(operative=operative, expires_on=date.today() + timedelta(days=20))
    employment = services.employee_add(
        operative=operative, organisation=organisation, office=organisation.head_office,
        started_on=date.today(), confirmed_by=UserFactory(),
    )  # fmt: skip
    assert (employment.card_id, employment.card_expires_on) == (card.pk, card.expires_on)
    assert summary(employment) == (card.pk, card.expires_on)


def test_every_employment_of_the_operative_follows_past_and_present():
    first = EmploymentFactory(left_on=date(2021, 1, 1))
    second = EmploymentFactory(operative=first.operative)
    card = CardFactory(operative=first.operative)
    assert summary(first) == summary(second) == (card.pk, card.expires_on)


def test_cards_changed_by_hand_in_the_admin_refresh_the_summary():
    employment = EmploymentFactory()
    operative = employment.operative
    keep = CardFactory(operative=operative, expires_on=date.today() + timedelta(days=30))
    newest = CardFactory(operative=operative, expires_on=date.today() + timedelta(days=300))
    request = RequestFactory().post("/")
    request.user = UserFactory()
    admin = site._registry[Card]
    newest.cancelled_at = timezone.now()
    admin.save_model(request, newest, form=None, change=True)
    assert summary(employment) == (keep.pk, keep.expires_on)
    keep.expires_on -= timedelta(days=60)  # corrected: now expired
    admin.save_model(request, keep, form=None, change=True)
    assert summary(employment) == (keep.pk, keep.expires_on)
    admin.delete_model(request, keep)
    assert summary(employment) == (None, None)


def test_the_guard_names_an_employment_left_behind():
    """What the guard reports when a card changes without the refresh (as a forgetful service would leave it)."""
    employment = EmploymentFactory()
    card = CardFactory(operative=employment.operative)
    Card.objects.filter(pk=card.pk).update(cancelled_at=timezone.now())  # behind the services' back
    [report] = stale_card_summaries({employment.operative_id})
    assert f"employment {employment.pk}: carries card {card.pk}" in report
    services.employment_card_refresh(operative_id=employment.operative_id)
    assert stale_card_summaries({employment.operative_id}) == []


def test_filling_many_employments_at_once_follows_the_same_rule():
    employments = [EmploymentFactory() for _ in range(3)]
    cards = [CardFactory(operative=e.operative) for e in employments[:2]]
    Employment.objects.update(card=None, card_expires_on=None)
    services.employment_summaries_fill()
    assert [summary(e) for e in employments] == [(c.pk, c.expires_on) for c in cards] + [(None, None)]


def test_names_are_copied_for_the_lists_order_and_follow_a_correction(primary_user):
    organisation = primary_user.organisation
    zed = EmploymentFactory(organisation=organisation, operative__last_name="Zed", operative__first_name="Ann")
    EmploymentFactory(organisation=organisation, operative__last_name="Moss", operative__first_name="Bea")
    assert (zed.last_name, zed.first_name) == ("Zed", "Ann")
    operative = zed.operative
    operative.last_name = "Adams"  # corrected by the JIB in the admin
    request = RequestFactory().post("/")
    request.user = UserFactory()
    site._registry[type(operative)].save_model(request, operative, form=None, change=True)
    zed.refresh_from_db()
    assert (zed.last_name, zed.first_name) == ("Adams", "Ann")
    listed = employee_selectors.employee_list(primary_user)
    assert [e.operative.last_name for e in listed] == ["Adams", "Moss"]
