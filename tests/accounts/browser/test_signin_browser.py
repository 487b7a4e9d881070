import re

from playwright.sync_api import expect

from tests.browser_fixtures import axe_check, browser_sign_in, latest_code
from tests.factories import OrganisationFactory, PortalUserFactory


def test_primary_user_signs_in_with_the_texted_code_and_sees_the_portal(page):
    organisation = OrganisationFactory(name="Volt & Co Ltd")
    primary = PortalUserFactory(organisation=organisation, all_flags=True)
    page.goto("/portal/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    axe_check(page)
    browser_sign_in(page, primary.user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Volt & Co Ltd")
    axe_check(page)


def test_a_wrong_code_shows_the_generic_message_beside_the_field(page):
    primary = PortalUserFactory(all_flags=True)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(primary.user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Continue").click()
    code = latest_code(primary.user)
    page.get_by_label("Security code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("is not right")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
