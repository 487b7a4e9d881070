"""On site in the browser: a spot check of a card (verdict, audit entry), the audit summary, the export form and
the API keys page, each checked with axe-core."""

from datetime import date, timedelta

from playwright.sync_api import expect

from portal.organisations.permissions import Flag
from portal.sitechecks.models import ApiKey, SpotCheck
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.contracts.sitecheck_factories import CHECK_FLAGS, chain, make_worker


def test_spot_check_then_audit_summary(page):
    c = chain()
    make_worker(c["parties"]["a"], number="80000001")
    make_worker(c["parties"]["a1"], number="80000002", expires_on=date.today() - timedelta(days=2))
    manager = c["users"]["main"]
    browser_sign_in(page, manager.user)
    page.goto("/portal/site-checks/spot-check/")
    axe_check(page)
    page.get_by_label("ECS card number").fill("80000001")
    page.get_by_role("button", name="Check the card").click()
    expect(page.get_by_role("status")).to_contain_text("Allowed on site")
    axe_check(page)
    page.get_by_label("ECS card number").fill("80000002")
    page.get_by_role("button", name="Check the card").click()
    expect(page.get_by_role("status")).to_contain_text("Not allowed: expired")
    page.get_by_label("ECS card number").fill("12ab")
    page.get_by_role("button", name="Check the card").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("6 to 12 digits")
    axe_check(page)
    assert SpotCheck.objects.filter(contract=c["contract"], checked_by=manager.user).count() == 2
    page.get_by_role("link", name="Audit summary of spot checks").click()
    expect(page.locator("[data-audit-total]")).to_have_text("2")
    axe_check(page)
    page.get_by_role("link", name="Export the workforce").click()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_create_and_revoke_an_api_key(page):
    c = chain()
    admin = c["users"]["client"]
    admin.can_edit_employer_details = True
    admin.save()
    assert admin.flags >= {Flag.VIEW_CONTRACTS, Flag.EDIT_EMPLOYER_DETAILS, *CHECK_FLAGS}
    browser_sign_in(page, admin.user)
    page.goto("/portal/site-checks/api-keys/")
    axe_check(page)
    page.get_by_label("What the key is for").fill("North gate")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("status")).to_contain_text("it will not be shown again")
    axe_check(page)
    page.get_by_role("link", name="Revoke the key North gate").click()
    axe_check(page)
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is revoked")
    assert not ApiKey.objects.get().is_active
