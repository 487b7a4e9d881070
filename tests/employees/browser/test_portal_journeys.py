"""Portal journeys in the browser: adding an employee, and granting a user a bundle of permissions."""

from datetime import date

from playwright.sync_api import expect

from portal.employees.models import Employment
from portal.organisations.permissions import BUNDLES, Flag
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.factories_registry import CardFactory, OperativeFactory


def test_add_an_employee_found_by_lookup(page):
    primary = PortalUserFactory(all_flags=True)
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", ni_number="AB123456C",
                                 date_of_birth=date(1980, 2, 3))  # fmt: skip
    CardFactory(operative=operative, number="12345678")
    browser_sign_in(page, primary.user)
    page.get_by_role("link", name="Add new employee").first.click()
    axe_check(page)
    page.get_by_label("National Insurance number").fill("AB 12 34 56 C")
    page.get_by_label("Date of birth").fill("1980-02-03")
    page.get_by_label("ECS card number").fill("12345678")
    page.get_by_role("button", name="Lookup").click()
    expect(page.get_by_role("heading", name="Record found")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("hereby confirm")
    page.get_by_label("Started work on").fill("2024-01-08")
    page.get_by_role("button", name="Confirm & continue").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Confirm that the operative started work")
    axe_check(page)
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name="Confirm & continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeff Jones")
    axe_check(page)
    assert Employment.objects.get(operative=operative).organisation == primary.organisation


def test_grant_a_user_a_bundle_of_permissions(page):
    primary = PortalUserFactory(all_flags=True)
    clerk = PortalUserFactory(organisation=primary.organisation, flags=[Flag.VIEW_EMPLOYEES],
                              user__first_name="Clara", user__last_name="Clerk")  # fmt: skip
    browser_sign_in(page, primary.user)
    page.goto("/portal/organisation/users/")
    axe_check(page)
    page.get_by_role("link", name="Edit Clara Clerk").click()
    page.get_by_label("Full Purchasing Access (all of these)").check()
    expect(page.get_by_label("Can Use Funds")).to_be_checked()  # the bundle ticks its flags
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("permissions are saved")
    clerk.refresh_from_db()
    assert clerk.flags == {Flag.VIEW_EMPLOYEES, *BUNDLES["Full Purchasing Access"]}
