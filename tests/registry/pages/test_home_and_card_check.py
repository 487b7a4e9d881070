from datetime import date, timedelta

import pytest
from django.utils.html import escape

from portal.organisations.permissions import Flag
from tests.conftest import sign_in
from tests.factories import PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory

pytestmark = pytest.mark.django_db


def test_home_counts_cards_needing_attention(client, primary_user):
    today = date.today()
    for days in (10, 30, -5):
        employment = EmploymentFactory(organisation=primary_user.organisation)
        CardFactory(operative=employment.operative, expires_on=today + timedelta(days=days))
    sign_in(client, primary_user.user)
    page = client.get("/portal/")
    assert 'With cards expiring soon</a> <span class="ecs-count">2</span>' in page.text
    assert 'With expired cards</a> <span class="ecs-count">1</span>' in page.text


def test_home_shows_only_what_the_flags_allow(client, organisation):
    buyer = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_PURCHASES])
    sign_in(client, buyer.user)
    page = client.get("/portal/")
    assert page.status_code == 200
    assert "Current employees" not in page.text
    assert "/portal/employees/" not in page.text


@pytest.mark.parametrize(("days", "label"), [(400, "Valid"), (20, "Expiring soon"), (-1, "Expired")])
def test_card_check(client, organisation, days, label):
    card = CardFactory(number="77770001", expires_on=date.today() + timedelta(days=days))
    user = PortalUserFactory(organisation=organisation, flags=[])  # any portal user
    sign_in(client, user.user)
    page = client.get("/portal/records/card-check/?number=77770001")
    assert label in page.text and escape(card.operative.full_name) in page.text
    assert card.operative.ni_number not in page.text
    for shown in (card.operative.date_of_birth.strftime("%d/%m/%Y"), card.operative.date_of_birth.isoformat()):
        assert shown not in page.text


def test_card_check_unknown_and_bad_input(client, organisation):
    user = PortalUserFactory(organisation=organisation)
    sign_in(client, user.user)
    assert "No ECS card has the number 12345670" in client.get("/portal/records/card-check/?number=12345670").text
    assert "digits only" in client.get("/portal/records/card-check/?number=abc").text
