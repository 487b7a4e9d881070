"""The contract page at scale: the supply chain a level at a time (each company with its branch's figures, a branch
on its own page), the workers read keys first with a Next link, and queries that stay the same however many
companies, tiers and workers the contract has."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from portal.contracts import selectors
from portal.contracts.models import ContractParty, ContractRequirement, ContractWorker
from portal.registry.models import Grade
from tests.conftest import sign_in
from tests.contracts.sitecheck_factories import chain, check_user, make_party, make_worker

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def setup():
    return chain()


def url(contract, suffix=""):
    return f"/portal/contracts/{contract.pk}/{suffix}"


def branch_url(contract, party):
    return url(contract, f"companies/{party.pk}/")


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_the_client_sees_tier_one_with_each_branchs_figures(client, signed_in, setup):
    parties, contract = setup["parties"], setup["contract"]
    make_worker(parties["main"])
    for _ in range(2):
        make_worker(parties["a1"])
    make_worker(parties["b"])
    gone = make_worker(parties["b"])
    ContractWorker.objects.filter(pk=gone.pk).update(removed_at=gone.on_from)  # taken off: not counted
    make_party(contract, check_user(), parent=parties["b"], status=ContractParty.Status.DECLINED)
    signed_in(setup["users"]["client"])
    page = client.get(url(contract)).text
    chain_table = page.split('id="supply-chain"')[1].split("</table>")[0]
    assert escape(parties["main"].display_name) in chain_table
    assert escape(parties["a"].display_name) not in chain_table  # tier 2 is on the main contractor's page
    # the main contractor's branch: a, b and a1 (the declined company is not counted), 4 current workers
    assert 'data-label="Companies below">3<' in chain_table and 'data-label="Workers">4<' in chain_table
    assert "4 companies, invited or taking part: 1 at tier 1, 2 at tier 2, 1 at tier 3." in page

    page = client.get(branch_url(contract, parties["main"])).text
    chain_table = page.split('id="supply-chain"')[1].split("</table>")[0]
    for key in ("main", "a", "b"):
        assert escape(parties[key].display_name) in chain_table
    assert escape(parties["a1"].display_name) not in chain_table  # below a: on a's page
    assert "Declined" not in chain_table
    assert "Declined" in client.get(branch_url(contract, parties["b"])).text.split('id="supply-chain"')[1]
    a_row = chain_table.split(escape(parties["a"].display_name))[1].split("</tr>")[0]
    assert 'data-label="Companies below">1<' in a_row and 'data-label="Workers">2<' in a_row

    page = client.get(branch_url(contract, parties["a"])).text
    assert escape(parties["a1"].display_name) in page
    assert f'href="{branch_url(contract, parties["main"])}"' in page  # the breadcrumb up to the main contractor
    workers = page.split('id="workers"')[1]
    assert "2 workers" in workers  # a's branch only: a1's two


def test_a_company_sees_itself_and_its_own_subcontractors_and_never_above_or_beside(client, signed_in, setup):
    parties, contract = setup["parties"], setup["contract"]
    on_b = make_worker(parties["b"])
    on_a1 = make_worker(parties["a1"])
    signed_in(setup["users"]["a"])
    page = client.get(url(contract)).text
    chain_table = page.split('id="supply-chain"')[1].split("</table>")[0]
    assert f"{escape(parties['a'].display_name)} (your company)" in chain_table
    assert escape(parties["a1"].display_name) in chain_table
    assert escape(parties["b"].display_name) not in page
    assert escape(on_a1.operative.sort_name) in page and escape(on_b.operative.sort_name) not in page
    assert client.get(branch_url(contract, parties["a1"])).status_code == 200
    for outside in ("main", "b"):  # above and beside: 404
        assert client.get(branch_url(contract, parties[outside])).status_code == 404
    # its own branch is its view of the contract
    response = client.get(branch_url(contract, parties["a"]))
    assert response.status_code == 302 and response["Location"] == url(contract)


def test_a_branch_page_shows_no_personal_details(client, signed_in, setup):
    worker = make_worker(setup["parties"]["a1"])
    operative = worker.operative
    signed_in(setup["users"]["client"])
    page = client.get(branch_url(setup["contract"], setup["parties"]["a"])).text
    assert escape(operative.sort_name) in page
    assert operative.ni_number not in page
    for shown in (operative.date_of_birth.strftime(f) for f in ("%d/%m/%Y", "%-d %b %Y", "%Y-%m-%d")):
        assert shown not in page


def test_the_companies_and_the_workers_page_by_their_next_links(client, signed_in, setup):
    contract, client_user = setup["contract"], setup["users"]["client"]
    for _ in range(26):  # 27 tier-1 companies: two pages of 25
        make_party(contract, check_user())
    for _ in range(51):  # 51 workers: two pages of 50
        make_worker(setup["parties"]["main"])
    signed_in(client_user)
    page = client.get(url(contract)).text
    first = page.split('id="supply-chain"')[1].split("</table>")[0]
    assert len(re.findall(r'href="/portal/contracts/\d+/companies/\d+/">', first)) == 25
    assert 'aria-label="Pages of companies"' in page and 'aria-label="Pages of workers"' in page
    # the workers' Next link seeks to the last name of the page (after=), and page 2 holds the one left
    link = page.split('aria-label="Pages of workers"')[1].split('rel="next"')[0].rsplit('href="', 1)[1]
    assert "page=2" in link and "after=" in link
    second = client.get(url(contract) + link.split("#")[0].replace("&amp;", "&")).text
    rows = second.split('id="workers"')[1].split("</tbody>")[0]
    assert rows.count('data-label="Name"') == 1
    companies = client.get(url(contract), {"companies": 2}).text
    second_companies = companies.split('id="supply-chain"')[1].split("</table>")[0]
    assert len(re.findall(r'href="/portal/contracts/\d+/companies/\d+/">', second_companies)) == 2


def test_needing_attention_lists_and_counts_the_same_workers(client, signed_in, setup):
    party = setup["parties"]["a"]
    make_worker(party)  # valid
    expired = make_worker(party, expires_on=TODAY - timedelta(days=1))
    no_hse = make_worker(party)
    no_hse.operative.hse_results.all().delete()
    signed_in(setup["users"]["client"])
    page = client.get(url(setup["contract"]), {"status": "attention"}).text
    workers = page.split('id="workers"')[1].split("</table>")[0]
    assert "2 workers" in workers
    assert escape(expired.operative.sort_name) in workers and escape(no_hse.operative.sort_name) in workers
    summary = selectors.compliance_summary(setup["contract"])
    assert summary.listed_needing_attention == 2 and summary.needing_attention == 1 and summary.hse_missing == 1


def _graded_worker(party, n=0, **kwargs):
    approved = Grade.objects.get(name="Approved Electrician", occupation__name="Installation Electrician")
    grade = list(Grade.objects.filter(occupation=approved.occupation).order_by("position"))[n % 3]
    return make_worker(party, card_type=grade.occupation.card_type, occupation=grade.occupation, grade=grade, **kwargs)


def _grow(setup):
    """More of everything: companies at every tier and two tiers deeper, workers in each with every card status,
    grades and apprentices."""
    contract, parties = setup["contract"], setup["parties"]
    deeper = make_party(contract, check_user(), parent=parties["a1"])
    deepest = make_party(contract, check_user(), parent=deeper)
    companies = [*parties.values(), deeper, deepest, make_party(contract, check_user())]
    make_party(contract, check_user(), parent=parties["b"], status=ContractParty.Status.INVITED)
    for n, party in enumerate(companies * 3):
        _graded_worker(
            party,
            n,
            expires_on=TODAY + timedelta(days=(-20, 10, 400)[n % 3]),
            role=ContractWorker.Role.APPRENTICE if n % 4 == 0 else ContractWorker.Role.OPERATIVE,
        )
    make_worker(parties["a"], card=False)


def test_queries_stay_the_same_as_the_chain_and_the_workforce_grow(setup, django_assert_max_num_queries):
    contract, parties, users = setup["contract"], setup["parties"], setup["users"]
    approved = Grade.objects.get(name="Approved Electrician", occupation__name="Installation Electrician")
    ContractRequirement.objects.create(
        contract=contract, description="Installation", card_type_family=approved.occupation.card_type.family,
        occupation=approved.occupation, minimum_grade=approved, apprentice_ratio=4,
    )  # fmt: skip
    _graded_worker(parties["main"])
    _graded_worker(parties["a1"], expires_on=TODAY - timedelta(days=3))  # one needing attention from the start
    make_party(contract, check_user(), parent=parties["a1"])  # every company shown has a subcontractor
    as_client, as_company = sign_in(Client(), users["client"].user), sign_in(Client(), users["a"].user)
    pages = {
        "client": (as_client, url(contract)),
        "client, needing attention": (as_client, url(contract, "?status=attention")),
        "client, as at a past day": (as_client, url(contract, f"?as_at={TODAY - timedelta(days=5)}")),
        "client, a branch": (as_client, branch_url(contract, parties["a"])),
        "tier-2 company": (as_company, url(contract)),
        "tier-2 company, its subcontractor": (as_company, branch_url(contract, parties["a1"])),
    }
    few = {name: _queries(client, path) for name, (client, path) in pages.items()}
    with CaptureQueriesContext(connection) as captured:
        selectors.compliance_summary(contract)
    assert len(captured) == 4  # the requirements, the groups, their grades and card types

    _grow(setup)
    for name, (client, path) in pages.items():
        with django_assert_max_num_queries(few[name]):
            assert client.get(path).status_code == 200, name
    with django_assert_max_num_queries(4):
        summary = selectors.compliance_summary(contract)
    assert summary.total == 2 + 3 * 7 + 1 and summary.below_requirements  # the grown workforce is read
