"""The employee search is posted, never put in a URL: an NI number or a name searched for does not reach access
logs, browser history or a Referer. The search is kept for the pages, the CSV download and paging."""

import csv
import io
import re

import pytest

from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db
LIST = "/portal/employees/"


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', html)


def test_searching_by_ni_number_puts_it_in_no_url(portal_client, primary_user):
    wanted = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Wanted")
    EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Other")
    ni_number = wanted.operative.ni_number
    response = portal_client.post(LIST, {"q": ni_number})
    assert response.status_code == 302 and response["Location"] == LIST
    page = portal_client.get(response["Location"])
    assert "Wanted" in page.text and "Other" not in page.text
    assert f'value="{ni_number}"' in page.text  # the search box keeps what was searched for
    assert not [url for url in hrefs(page.text) if ni_number in url or "q=" in url]
    rows = list(csv.reader(io.StringIO(b"".join(portal_client.get(f"{LIST}?format=csv").streaming_content).decode())))
    assert [row[1] for row in rows[1:]] == [ni_number]


def test_a_search_in_the_query_string_is_not_read(portal_client, primary_user):
    wanted = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Wanted")
    EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Other")
    page = portal_client.get(f"{LIST}?q={wanted.operative.ni_number}")
    assert "Wanted" in page.text and "Other" in page.text


def test_paging_keeps_the_search(portal_client, primary_user):
    for number in range(52):
        EmploymentFactory(organisation=primary_user.organisation, operative__last_name=f"Pager{number:02d}")
    EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Elsewhere")
    portal_client.post(LIST, {"q": "Pager", "sort": "-name"})
    first = portal_client.get(LIST)
    assert "52 employees" in first.text and "Page 1 of 2" in first.text and "Elsewhere" not in first.text
    assert 'href="?page=2' in first.text  # Next also carries the last row's sort key (keyset)
    second = portal_client.get(f"{LIST}?page=2")
    assert "Page 2 of 2" in second.text and "Pager01" in second.text and "Pager00" in second.text
    [next_link] = [url for url in hrefs(first.text) if url.startswith("?page=2&")]
    by_keyset = portal_client.get(f"{LIST}{next_link}")
    assert "Page 2 of 2" in by_keyset.text and "Pager01" in by_keyset.text and "Pager00" in by_keyset.text
    assert "Pager02" not in by_keyset.text
    assert "Pager51" not in second.text and "Elsewhere" not in second.text


def test_clearing_the_search_shows_everyone_again(portal_client, primary_user):
    EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Wanted")
    EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Other")
    portal_client.post(LIST, {"q": "Wanted"})
    assert "Other" not in portal_client.get(LIST).text
    assert portal_client.post(LIST, {"clear": "1"})["Location"] == LIST
    page = portal_client.get(LIST)
    assert "Wanted" in page.text and "Other" in page.text and "Clear search" not in page.text
