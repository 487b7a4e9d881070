"""The spot check's "Scan a card" (the scan address the page posts a QR code's text to), the link a card's QR code
carries, and the employee's cards page that shows the codes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.contracts.models import Contract
from portal.organisations.permissions import Flag
from portal.registry.card_codes import card_link
from portal.sitechecks.models import SpotCheck
from tests.contracts.sitecheck_factories import chain, check_user, make_worker
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory

SCAN = "/portal/site-checks/spot-check/scan/"


@pytest.fixture
def setup(db):
    c = chain()
    c["workers"] = {
        "main": make_worker(c["parties"]["main"], number="50000001"),
        "a": make_worker(c["parties"]["a"], number="50000002", expires_on=date.today() - timedelta(days=1)),
    }
    return c


def scan(client, contract, code):
    return client.post(SCAN, {"contract": contract.pk, "code": code})


def test_a_scanned_card_is_checked_and_recorded_with_who_when_and_which_contract(client, signed_in, setup):
    user = setup["users"]["client"]
    signed_in(user)
    before = timezone.now()
    response = scan(client, setup["contract"], card_link("50000001"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Allowed on site" in page and 'data-number="50000001"' in page and "Read from the card's QR code" in page
    entry = SpotCheck.objects.get()
    assert (entry.checked_by, entry.organisation, entry.contract, entry.number, entry.verdict) == (
        user.user,
        user.organisation,
        setup["contract"],
        "50000001",
        SpotCheck.Verdict.VALID,
    )
    assert before <= entry.checked_at <= timezone.now()


def test_a_company_scans_within_its_own_branch(client, signed_in, setup):
    signed_in(setup["users"]["a"])
    response = scan(client, setup["contract"], card_link("50000002"))
    assert "Not allowed: expired" in response.content.decode()
    entry = SpotCheck.objects.get()
    assert entry.checker_party == setup["parties"]["a"] and entry.on_contract


def test_a_code_that_is_not_a_cards_is_refused_and_nothing_recorded(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = scan(client, setup["contract"], "https://example.com/menu")
    assert response.status_code == 400
    assert "This QR code is not an ECS card" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_another_organisation_cannot_check_against_a_contract_it_is_not_in(client, signed_in, setup):
    outsider = check_user()
    signed_in(outsider)
    response = scan(client, setup["contract"], card_link("50000001"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the contract" in page and "Library refurbishment" not in page and "50000001" not in page
    assert not SpotCheck.objects.exists()


def test_a_completed_contract_cannot_be_checked_against(client, signed_in, setup):
    Contract.objects.filter(pk=setup["contract"].pk).update(status=Contract.Status.COMPLETED)
    signed_in(setup["users"]["client"])
    assert scan(client, setup["contract"], card_link("50000001")).status_code == 400
    assert not SpotCheck.objects.exists()


def test_scanning_needs_the_flag_and_the_licence(db, client, signed_in, setup):
    signed_in(check_user(flags={Flag.MANAGE_CONTRACT_WORKERS}))
    assert scan(client, setup["contract"], card_link("50000001")).status_code == 403
    client.logout()
    signed_in(check_user(organisation=OrganisationFactory(licence__ecs_check=False)))
    assert scan(client, setup["contract"], card_link("50000001")).status_code == 403
    assert not SpotCheck.objects.exists()


def test_scanning_is_posted_only(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    assert client.get(SCAN).status_code == 405


def test_the_spot_check_page_may_use_the_camera_and_loads_the_reader_from_this_site(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get("/portal/site-checks/spot-check/")
    assert "camera=(self)" in response["Permissions-Policy"]
    page = response.content.decode()
    assert "/static/vendor/jsqr/jsQR.js" in page and "data-scan-start" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    other = client.get(f"/portal/site-checks/contracts/{setup['contract'].pk}/audit/")
    assert "camera=()" in other["Permissions-Policy"]


def test_a_cards_link_opens_the_spot_check_with_the_number(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get("/c/50000001/")
    assert response.status_code == 302 and response["Location"] == "/portal/site-checks/spot-check/?number=50000001"
    page = client.get(response["Location"])
    assert page.context["form"]["number"].value() == "50000001"
    assert not SpotCheck.objects.exists()  # opening the link checks nothing until the button is pressed


def test_a_cards_link_opens_the_card_check_for_a_user_without_ecs_check(client, signed_in, db):
    CardFactory(number="50000009")
    signed_in(check_user(organisation=OrganisationFactory(licence__ecs_check=False)))
    response = client.get("/c/50000009/", follow=True)
    assert response.redirect_chain[-1][0] == "/portal/records/card-check/?number=50000009"
    assert "Card 50000009" in response.content.decode()


def test_a_cards_link_needs_signing_in_and_a_card_number(client, signed_in, setup):
    assert client.get("/c/50000001/")["Location"].startswith("/accounts/sign-in/")
    signed_in(setup["users"]["client"])
    assert client.get("/c/5000abc/").status_code == 404


def test_the_employee_cards_page_shows_each_card_with_its_code(client, signed_in, db):
    user = PortalUserFactory(flags={Flag.VIEW_EMPLOYEES})
    employment = EmploymentFactory(organisation=user.organisation)
    CardFactory(operative=employment.operative, number="61000001")
    CardFactory(operative=employment.operative, number="61000002", expires_on=date.today() - timedelta(days=3))
    signed_in(user)
    detail = client.get(f"/portal/employees/{employment.pk}/").content.decode()
    assert f"/portal/employees/{employment.pk}/cards/" in detail
    page = client.get(f"/portal/employees/{employment.pk}/cards/").content.decode()
    assert page.count("<svg") == 2 and "QR code of ECS card 61000001" in page and "QR code of ECS card 61000002" in page
    assert employment.operative.ni_number not in page


def test_another_organisations_employee_cards_are_not_shown(client, signed_in, db):
    employment = EmploymentFactory()
    CardFactory(operative=employment.operative, number="61000003")
    signed_in(PortalUserFactory(flags={Flag.VIEW_EMPLOYEES}))
    response = client.get(f"/portal/employees/{employment.pk}/cards/")
    assert response.status_code == 404 and "61000003" not in response.content.decode()


def test_the_employee_cards_page_needs_the_view_employees_flag(client, signed_in, db):
    user = PortalUserFactory(flags={Flag.VIEW_CONTRACTS})
    employment = EmploymentFactory(organisation=user.organisation)
    signed_in(user)
    assert client.get(f"/portal/employees/{employment.pk}/cards/").status_code == 403
