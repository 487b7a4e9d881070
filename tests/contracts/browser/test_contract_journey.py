"""In the browser, with axe-core on each page: a client creates a contract and invites its electrical contractor,
which accepts, invites a subcontractor and puts one of its employees on the contract."""

from datetime import date, timedelta

from playwright.sync_api import expect

from portal.contracts.models import Contract, ContractParty, ContractWorker
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.contracts.factories import check_user
from tests.factories import OrganisationFactory
from tests.factories_registry import CardFactory, EmploymentFactory, HseResultFactory, OperativeFactory


def test_create_a_contract_invite_a_subcontractor_and_add_a_worker(page):
    client = check_user(OrganisationFactory(name="Mournside District Council"))
    contractor = check_user(OrganisationFactory(name="Brightwire Electrical Ltd", companies_house_number="NI612345"))
    subcontractor = check_user(OrganisationFactory(name="Sparkline Installations Ltd"))
    operative = OperativeFactory(first_name="Aidan", last_name="Quinn")
    CardFactory(operative=operative, number="77001234", expires_on=date.today() + timedelta(days=400))
    HseResultFactory(operative=operative)
    EmploymentFactory(operative=operative, organisation=contractor.organisation)
    start = date.today()

    browser_sign_in(page, client.user)
    page.goto("/portal/contracts/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create New Contract")
    axe_check(page)
    page.get_by_label("Contract name").fill("Civic Centre refurbishment")
    page.get_by_label("Site address").fill("Civic Centre, Lagan Road, Lisburn")
    page.get_by_label("Site postcode").fill("bt28 1aa")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#group-id_ends_on .govuk-error-message")).to_contain_text("on or after the start date")
    expect(page.get_by_label("Contract name")).to_have_value("Civic Centre refurbishment")
    axe_check(page)
    page.get_by_label("End date").fill((start + timedelta(days=200)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Civic Centre refurbishment")
    axe_check(page)

    page.get_by_role("link", name="Invite a company").click()
    page.get_by_label("Licensed organisation").fill("NI 612345")
    page.get_by_label("Work in the contract").fill("Electrical contractor")
    axe_check(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Brightwire Electrical Ltd invited")
    contract = Contract.objects.get()

    page.context.clear_cookies()
    browser_sign_in(page, contractor.user)
    page.goto("/portal/contracts/invitations/")
    expect(page.get_by_role("heading", level=2, name="Civic Centre refurbishment")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Accept the invitation to Civic Centre refurbishment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Civic Centre refurbishment")
    expect(page.get_by_text("Your company: Brightwire Electrical Ltd, tier 1")).to_be_visible()

    page.get_by_role("link", name="Invite a subcontractor").click()
    page.get_by_label("Licensed organisation").fill("Sparkline Installations Ltd")
    page.get_by_label("Work in the contract").fill("Fire alarms")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("cell", name="— Sparkline Installations Ltd")).to_be_visible()
    party = ContractParty.objects.get(organisation=subcontractor.organisation)
    assert party.tier == 2 and party.status == ContractParty.Status.INVITED
    # the subcontractor's branch on its own page, and back by the breadcrumb
    page.get_by_role("link", name="Sparkline Installations Ltd", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sparkline Installations Ltd")
    expect(page.get_by_text("Tier 2 (Fire alarms), for your company.")).to_be_visible()
    axe_check(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Civic Centre refurbishment").click()

    page.get_by_role("link", name="Add a worker").click()
    axe_check(page)
    employee = f"{operative.sort_name} (Brightwire Electrical Ltd Head Office)"
    page.get_by_label("Employee", exact=True).select_option(label=employee)
    page.get_by_label("Operative").check()
    page.get_by_role("button", name="Add the worker").click()
    expect(page.locator("#id_consent-error")).to_contain_text("Confirm that the employee has given their permission")
    axe_check(page)
    page.get_by_label("The employee has given their permission").check()
    page.get_by_role("button", name="Add the worker").click()
    expect(page.get_by_role("cell", name="Quinn, Aidan")).to_be_visible()
    expect(page.get_by_role("cell", name="Valid", exact=True)).to_be_visible()
    axe_check(page)
    worker = ContractWorker.objects.get(contract=contract)
    assert worker.operative == operative and worker.consent_confirmed_by == contractor.user
