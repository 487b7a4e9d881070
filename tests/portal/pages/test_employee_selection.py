"""Ticks on the employees list are kept across its pages (in the session), "select all N matching", and the
count on START APPLICATIONS FOR EMPLOYEES."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.employees.views import PAGE_SIZE
from tests.factories import PortalUserFactory
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db
LIST = "/portal/employees/"
SELECTION = "/portal/employees/selection/"


@pytest.fixture
def staff(primary_user):
    return [
        EmploymentFactory(organisation=primary_user.organisation, operative__last_name=f"Staff{n:02d}")
        for n in range(PAGE_SIZE + 3)
    ]


def ticked(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'value="(\d+)" id="employment-\d+" checked', page)}


def count_on_start(page: str) -> int:
    return int(re.search(r"START APPLICATIONS FOR EMPLOYEES .*?data-chosen-count>(\d+)<", page).group(1))


def test_ticks_survive_moving_between_pages(portal_client, staff):
    first, second = staff[:PAGE_SIZE], staff[PAGE_SIZE:]
    answer = portal_client.post(
        SELECTION, {"on_page": [e.pk for e in first], "employment": [first[0].pk, first[1].pk], "go": "2"}
    )
    assert answer["Location"] == f"{LIST}?page=2"
    page2 = portal_client.get(answer["Location"]).text
    assert count_on_start(page2) == 2 and "2 ticked on other pages" in page2
    portal_client.post(SELECTION, {"on_page": [e.pk for e in second], "employment": [second[0].pk], "go": "1"})
    page1 = portal_client.get(LIST).text
    assert ticked(page1) == {first[0].pk, first[1].pk} and count_on_start(page1) == 3
    # Clearing a tick on a page forgets it; the ticks elsewhere stay.
    portal_client.post(SELECTION, {"on_page": [e.pk for e in first], "employment": [first[1].pk]})
    page1 = portal_client.get(LIST).text
    assert ticked(page1) == {first[1].pk} and count_on_start(page1) == 2
    assert ticked(portal_client.get(f"{LIST}?page=2").text) == {second[0].pk}


def test_select_all_matching_and_start(portal_client, primary_user, staff):
    portal_client.post(LIST, {"q": "Staff0"})  # Staff00 to Staff09
    portal_client.post(SELECTION, {"select_all": "1"})
    portal_client.post(LIST, {"clear": "1"})
    page = portal_client.get(LIST).text
    assert count_on_start(page) == 10 and "Select all 53 matching" in page
    answer = portal_client.post(SELECTION, {"on_page": [e.pk for e in staff[:PAGE_SIZE]],
                                            "employment": [e.pk for e in staff[:10]], "start": "1"})  # fmt: skip
    started = parse_qs(urlsplit(answer["Location"]).query)["employment"]
    assert urlsplit(answer["Location"]).path == "/portal/applications/start/"
    assert [int(pk) for pk in started] == [e.pk for e in staff[:10]]
    assert "Staff09" in portal_client.get(answer["Location"]).text


def test_clear_the_ticks(portal_client, staff):
    portal_client.post(SELECTION, {"select_all": "1"})
    assert count_on_start(portal_client.get(LIST).text) == len(staff)
    portal_client.post(SELECTION, {"clear_selection": "1"})
    page = portal_client.get(LIST).text
    assert count_on_start(page) == 0 and not ticked(page)


def test_ticks_outside_the_users_scope_are_not_kept(portal_client, staff):
    stranger = EmploymentFactory(organisation=PortalUserFactory().organisation)
    portal_client.post(SELECTION, {"on_page": [], "employment": [stranger.pk, staff[0].pk]})
    assert count_on_start(portal_client.get(LIST).text) == 1
