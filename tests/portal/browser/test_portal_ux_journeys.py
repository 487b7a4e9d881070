"""The portal home dashboard, the toolbar's drop-down menus used with the keyboard, and ticks kept across pages,
each checked with axe-core."""

import re

from playwright.sync_api import expect

from portal.applications.models import CardApplication
from portal.employees.views import PAGE_SIZE
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import EmploymentFactory


def test_the_home_dashboard_leads_to_what_needs_action(page):
    primary = PortalUserFactory(all_flags=True)
    held = start_application(portal_user=primary)
    CardApplication.objects.filter(pk=held.pk).update(status=CardApplication.Status.ON_HOLD)
    browser_sign_in(page, primary.user)
    page.goto("/portal/")
    axe_check(page)
    card = page.get_by_role("region", name="Applications needing your action")
    expect(card).to_contain_text("On hold 1")
    card.get_by_role("link", name="On hold").click()
    expect(page).to_have_url(re.compile(r"/portal/applications/#action$"))
    expect(page.get_by_role("heading", name="1 Needing Your Action")).to_be_visible()


def test_the_toolbar_menus_with_the_keyboard(page):
    primary = PortalUserFactory(all_flags=True)
    browser_sign_in(page, primary.user)
    page.goto("/portal/")
    nav = page.get_by_role("navigation", name="Portal sections")
    employees = nav.locator("summary", has_text="Employees")
    current = nav.get_by_role("link", name="Current Employees")
    expect(current).to_be_hidden()
    employees.focus()
    page.keyboard.press("Enter")
    expect(current).to_be_visible()
    axe_check(page)
    page.keyboard.press("Tab")
    expect(current).to_be_focused()
    page.keyboard.press("Escape")  # closes the menu and returns to its button
    expect(current).to_be_hidden()
    expect(employees).to_be_focused()
    page.keyboard.press("Space")
    expect(current).to_be_visible()
    orders = nav.locator("summary", has_text="Orders")
    orders.focus()
    page.keyboard.press("Enter")  # one menu open at a time
    expect(nav.get_by_role("link", name="Financial History")).to_be_visible()
    expect(current).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/orders/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders Requiring Attention")


def test_the_toolbar_menus_without_script(browser, live_server, transactional_db):
    primary = PortalUserFactory(all_flags=True)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        browser_sign_in(page, primary.user)
        page.goto("/portal/")
        nav = page.get_by_role("navigation", name="Portal sections")
        users = nav.get_by_role("link", name="Administer Users")
        expect(users).to_be_hidden()
        nav.locator("summary", has_text="Administration").click()
        users.click()
        expect(page).to_have_url(re.compile(r"/portal/organisation/users/$"))
    finally:
        context.close()


def test_ticks_are_kept_across_pages(page):
    primary = PortalUserFactory(all_flags=True)
    staff = [
        EmploymentFactory(organisation=primary.organisation, office=primary.office,
                          operative__first_name="Sam", operative__last_name=f"Staff{n:02d}")
        for n in range(PAGE_SIZE + 2)
    ]  # fmt: skip
    browser_sign_in(page, primary.user)
    page.goto("/portal/employees/")
    start = page.get_by_role("button", name="START APPLICATIONS FOR EMPLOYEES")
    expect(start).to_contain_text("(0 ticked)")
    page.get_by_label("Select Staff00, Sam").check()
    page.get_by_label("Select Staff01, Sam").check()
    expect(start).to_contain_text("(2 ticked)")
    axe_check(page)
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(start).to_contain_text("(2 ticked)")
    page.get_by_label(f"Select Staff{PAGE_SIZE + 1:02d}, Sam").check()
    expect(start).to_contain_text("(3 ticked)")
    axe_check(page)
    page.get_by_role("link", name="Previous page").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    expect(page.get_by_label("Select Staff00, Sam")).to_be_checked()
    expect(page.get_by_label("Select Staff02, Sam")).not_to_be_checked()
    expect(start).to_contain_text("(3 ticked)")
    start.click()
    expect(page.get_by_role("heading", name="Choose Application Types")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.last).to_contain_text(staff[-1].operative.last_name)


def test_the_employees_list_fits_a_phone(browser, live_server, transactional_db):
    primary = PortalUserFactory(all_flags=True)
    for n in range(3):
        EmploymentFactory(
            organisation=primary.organisation,
            office=primary.office,
            operative__first_name="Sam",
            operative__last_name=f"Longsurname-Doublebarrelled{n}",
        )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        browser_sign_in(page, primary.user)
        page.goto("/portal/employees/")
        expect(page.get_by_label("Select Longsurname-Doublebarrelled0, Sam")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate("document.querySelector('.ecs-table-wrap').scrollWidth <= window.innerWidth")
        axe_check(page)
    finally:
        context.close()
