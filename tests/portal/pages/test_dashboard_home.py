"""The portal home: counts with links for what needs the user's action, only in the sections their flags open."""

import re
from datetime import date, timedelta

import pytest

from portal.applications.models import CardApplication
from portal.orders.models import FundsAccount
from portal.organisations.permissions import Flag
from tests.conftest import sign_in
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import CardFactory, EmploymentFactory
from tests.stripe_fixtures import finalised_application

pytestmark = pytest.mark.django_db
Status = CardApplication.Status


def count_after(page: str, label: str) -> str:
    found = re.search(re.escape(label) + r'</a> <span class="ecs-count[^"]*">(\d+)</span>', page)
    assert found, f"no count after {label!r}"
    return found.group(1)


def make_applications(primary_user, *, on_hold: int, endorsement: int, finalised: int):
    for status, n in ((Status.ON_HOLD, on_hold), (Status.AWAITING_ENDORSEMENT, endorsement)):
        for _ in range(n):
            application = start_application(portal_user=primary_user)
            CardApplication.objects.filter(pk=application.pk).update(status=status)
    for _ in range(finalised):
        finalised_application(portal_user=primary_user)


def test_the_home_counts_what_needs_action_with_links(portal_client, primary_user):
    make_applications(primary_user, on_hold=2, endorsement=1, finalised=3)
    start_application(portal_user=primary_user)  # in progress: not counted as needing action
    FundsAccount.objects.create(organisation=primary_user.organisation, balance_pence=125000)
    page = portal_client.get("/portal/").text
    assert count_after(page, "On hold") == "2"
    assert count_after(page, "Endorsements awaited") == "1"
    assert count_after(page, "Finalised, awaiting ordering") == "3"
    assert count_after(page, "Orders requiring attention") == "0"
    assert 'href="/portal/applications/#action"' in page and 'href="/portal/applications/#finalised"' in page
    assert "Funds on account</a>: <strong>£1,250.00</strong>" in page


def test_the_counts_are_the_pages_counts(portal_client, primary_user):
    make_applications(primary_user, on_hold=1, endorsement=0, finalised=2)
    attention = portal_client.get("/portal/applications/").text
    assert "2 Finalised Applications - Awaiting Ordering" in attention and "1 Needing Your Action" in attention


def test_another_organisations_applications_are_not_counted(portal_client, primary_user):
    stranger = PortalUserFactory(all_flags=True)
    make_applications(stranger, on_hold=2, endorsement=2, finalised=1)
    page = portal_client.get("/portal/").text
    for label in ("On hold", "Endorsements awaited", "Finalised, awaiting ordering"):
        assert count_after(page, label) == "0"


def test_only_the_sections_the_flags_open(client, organisation):
    clerk = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_EMPLOYEES])
    page = sign_in(client, clerk.user).get("/portal/").text
    assert "With cards expiring soon" in page
    assert "Applications needing your action" not in page and "Funds on account" not in page
    assert "Orders requiring attention" not in page


@pytest.mark.parametrize("extra", [0, 6])
def test_the_home_takes_the_same_number_of_queries_however_much_there_is(
    portal_client, primary_user, django_assert_max_num_queries, extra
):
    make_applications(primary_user, on_hold=1 + extra, endorsement=1 + extra, finalised=1)
    for days in [10, -5] * (1 + extra):
        employment = EmploymentFactory(organisation=primary_user.organisation)
        CardFactory(operative=employment.operative, expires_on=date.today() + timedelta(days=days))
    with django_assert_max_num_queries(11):
        page = portal_client.get("/portal/")
    assert count_after(page.text, "On hold") == str(1 + extra)
