"""The spot check page (verdict at once, recorded as an audit entry) and the audit summary per contract and period."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.contracts.models import Contract
from portal.organisations.permissions import Flag
from portal.sitechecks.models import SpotCheck
from portal.sitechecks.selectors import spot_check_summary
from tests.contracts.sitecheck_factories import chain, check_user, make_worker
from tests.factories import OrganisationFactory
from tests.factories_registry import CardFactory

URL = "/portal/site-checks/spot-check/"


@pytest.fixture
def setup(db):
    c = chain()
    p = c["parties"]
    c["workers"] = {
        "main": make_worker(p["main"], number="50000001"),
        "a": make_worker(p["a"], number="50000002", expires_on=date.today() - timedelta(days=1)),
        "b": make_worker(p["b"], number="50000003", cancelled_at=timezone.now()),
        "a1": make_worker(p["a1"], number="50000004", expires_on=date.today() + timedelta(days=10)),
    }
    return c


def check(client, contract, number):
    response = client.post(URL, {"contract": contract.pk, "number": number}, follow=True)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "number, verdict, on_contract, headline",
    [
        ("50000001", "valid", True, "Allowed on site"),
        (" 5000 0004 ", "expiring", True, "Allowed on site"),
        ("50000002", "expired", True, "Not allowed: expired"),
        ("50000003", "cancelled", True, "Not allowed: cancelled"),
        ("99999999", "not_found", False, "No such card"),
    ],
)
def test_the_client_checks_a_card_and_the_check_is_recorded(
    client, signed_in, setup, number, verdict, on_contract, headline
):
    user = setup["users"]["client"]
    signed_in(user)
    response = check(client, setup["contract"], number)
    entry = SpotCheck.objects.get()
    assert (entry.verdict, entry.on_contract, entry.checked_by, entry.contract) == (
        verdict,
        on_contract,
        user.user,
        setup["contract"],
    )
    assert entry.checker_party is None and entry.organisation == user.organisation
    assert headline in response.content.decode()


def test_a_valid_card_of_someone_not_on_the_contract_is_not_allowed(client, signed_in, setup):
    CardFactory(number="50000099")
    signed_in(setup["users"]["client"])
    response = check(client, setup["contract"], "50000099")
    assert "Not on this contract" in response.content.decode()
    assert not SpotCheck.objects.get().passed


def test_a_company_checks_within_its_own_branch(client, signed_in, setup):
    signed_in(setup["users"]["a"])
    response = check(client, setup["contract"], "50000004")  # a1's worker: below a
    assert "Allowed on site" in response.content.decode()
    check(client, setup["contract"], "50000003")  # b's worker: a sibling's branch
    entry = SpotCheck.objects.first()
    assert not entry.on_contract and entry.checker_party == setup["parties"]["a"]


def test_a_bad_number_is_shown_beside_the_field_and_nothing_recorded(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.post(URL, {"contract": setup["contract"].pk, "number": "12ab"})
    assert "6 to 12 digits" in response.content.decode()
    assert response.context["form"]["number"].value() == "12ab"
    assert not SpotCheck.objects.exists()


def test_the_number_a_qr_code_carries_is_filled_in(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get(URL, {"contract": setup["contract"].pk, "number": "50000001"})
    assert response.context["form"]["number"].value() == "50000001"


def test_another_organisations_contract_cannot_be_chosen(client, signed_in, setup):
    outsider = check_user()
    signed_in(outsider)
    response = client.post(URL, {"contract": setup["contract"].pk, "number": "50000001"})
    assert response.status_code == 200 and "Choose contract from the options given" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_completed_contracts_are_not_offered(client, signed_in, setup):
    Contract.objects.filter(pk=setup["contract"].pk).update(status=Contract.Status.COMPLETED)
    signed_in(setup["users"]["client"])
    assert "no contract being set up or in progress" in client.get(URL).content.decode()


def test_without_the_flag_or_licence_403(db, client, signed_in):
    signed_in(check_user(flags={Flag.MANAGE_CONTRACT_WORKERS}))
    assert client.get(URL).status_code == 403
    client.logout()
    signed_in(check_user(organisation=OrganisationFactory(licence__ecs_check=False)))
    assert client.get(URL).status_code == 403


def test_audit_summary_per_contract_and_period(client, signed_in, setup):
    contract = setup["contract"]
    for who, number in [("client", "50000001"), ("client", "50000002"), ("a", "50000004"), ("b", "50000003")]:
        client.logout()
        signed_in(setup["users"][who])
        check(client, contract, number)
    old = SpotCheck.objects.get(number="50000002")
    SpotCheck.objects.filter(pk=old.pk).update(checked_at=timezone.now() - timedelta(days=40))
    client.logout()
    signed_in(setup["users"]["client"])
    page = client.get(f"/portal/site-checks/contracts/{contract.pk}/audit/")
    summary = page.context["summary"]
    assert (summary.total, summary.passed) == (3, 2)  # the 40-day-old check is outside the last 30 days
    assert page.context["summary"].by_verdict == [("Valid", 1), ("Valid, expiring soon", 1), ("Cancelled", 1)]
    today = date.today()
    wide = client.get(
        f"/portal/site-checks/contracts/{contract.pk}/audit/",
        {"date_from": (today - timedelta(days=60)).isoformat(), "date_to": today.isoformat()},
    )
    assert wide.context["summary"].total == 4
    # A company sees the checks made within its branch only: a's own and (none) below it.
    client.logout()
    signed_in(setup["users"]["a"])
    mine = client.get(f"/portal/site-checks/contracts/{contract.pk}/audit/").context["summary"]
    assert mine.total == 1 and mine.entries[0].number == "50000004"
    # The main contractor sees a's and b's checks (its branch), not the client's.
    main = spot_check_summary(contract=contract, viewer_party=setup["parties"]["main"], date_from=today, date_to=today)
    assert main.total == 2


def test_a_period_ending_before_it_starts_is_refused_beside_the_field(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get(
        f"/portal/site-checks/contracts/{setup['contract'].pk}/audit/",
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    )
    assert response.context["form"].errors["date_to"]
    assert response.context["summary"] is None


def test_the_audit_of_another_organisations_contract_is_404(client, signed_in, setup):
    signed_in(check_user())
    assert client.get(f"/portal/site-checks/contracts/{setup['contract'].pk}/audit/").status_code == 404


def test_the_audit_summary_makes_constant_queries(client, signed_in, setup, django_assert_max_num_queries):
    signed_in(setup["users"]["client"])
    for _ in range(3):
        for number in ("50000001", "50000002", "50000003", "50000004"):
            check(client, setup["contract"], number)
    with django_assert_max_num_queries(14):
        assert client.get(f"/portal/site-checks/contracts/{setup['contract'].pk}/audit/").status_code == 200
