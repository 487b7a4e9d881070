"""In the browser: a team leader opens the Verification queue, assigns a late case to a named colleague, then
filters the queue to late work and saves the filter for the whole Verification team, which a verifier then sees."""

import re

from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.accounts.models import JibTeam
from tests.backoffice.services.test_tasklist import card_task
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.tasklist.models import SavedFilter


def staff(email, first, last, mobile, *teams):
    return account_services.jib_staff_create(
        email=email, first_name=first, last_name=last, mobile=mobile, teams=list(teams),
        password="correct horse battery",
    )  # fmt: skip


def test_team_leader_assigns_a_task_and_shares_a_filter(page, browser, live_server):
    employer = PortalUserFactory(all_flags=True)
    late = card_task(employer, age_days=10)
    card_task(employer, age_days=1)
    leader = staff("tess@jib.example", "Tess", "Leader", "+447700123461", JibTeam.TEAM_LEADER, JibTeam.VERIFICATION)
    vera = staff("vera@jib.example", "Vera", "Verifier", "+447700123462", JibTeam.VERIFICATION)
    staff("pat@jib.example", "Pat", "Processor", "+447700123463", JibTeam.PROCESSING)

    browser_sign_in(page, leader)
    page.goto("/backoffice/")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_text("You hold no tasks.")).to_be_visible()
    axe_check(page)

    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Verification").click()
    expect(page.get_by_role("heading", name="Verification queue")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    first = rows.first
    expect(first).to_contain_text(late.application.reference)  # the late one first
    expect(first).to_contain_text("3 days late")
    expect(first).to_contain_text("Verify the application")
    axe_check(page)

    first.get_by_role("link", name=re.compile("Assign")).click()
    expect(page.get_by_role("heading", name="Assign a task")).to_be_visible()
    choices = page.get_by_label("Assign to").locator("option")
    expect(choices).to_have_text(["Choose a colleague", "Tess Leader", "Vera Verifier"])  # not the processor
    axe_check(page)
    page.get_by_label("Assign to").select_option(label="Vera Verifier")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("alert")).to_contain_text("is assigned to Vera Verifier")
    expect(page.locator("tbody tr").first).to_contain_text("Vera Verifier")
    late.refresh_from_db()
    assert late.owner_id == vera.pk

    page.get_by_label("Due").select_option(label="Late")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_text("Save this filter").click()
    page.get_by_label("Name of the filter").fill("Late verifications")
    page.get_by_label("Who can use it").select_option(label="Everyone in Verification")
    page.get_by_role("button", name="Save the filter").click()
    expect(page.get_by_role("alert")).to_contain_text("Filter “Late verifications” saved, shared with Verification")
    axe_check(page)
    saved = SavedFilter.objects.get()
    assert saved.team == JibTeam.VERIFICATION and saved.params == {"due": "overdue", "queue": "verification"}

    # A verifier finds the shared filter beside their own work, and it opens the late work.
    other = browser.new_context(base_url=live_server.url)
    verifier_page = other.new_page()
    browser_sign_in(verifier_page, vera)
    verifier_page.goto("/backoffice/work/mine/")
    expect(verifier_page.locator("tbody tr")).to_contain_text(late.application.reference)
    verifier_page.get_by_role("link", name="Late verifications").click()
    expect(verifier_page.get_by_role("heading", name="Verification queue")).to_be_visible()
    expect(verifier_page.locator("tbody tr")).to_have_count(1)
    expect(verifier_page.get_by_text("shared with Verification by Tess Leader")).to_be_visible()
    axe_check(verifier_page)
    other.close()
