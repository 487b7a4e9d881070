"""ECS Assessments in the browser: buy HS&E credits paid from funds held on account, book an employee with their
consent, and see the booking in the list; axe-core on every page."""

import re

from playwright.sync_api import expect

from portal.assessments.models import Booking
from portal.orders.models import FundsLedgerEntry, Order
from portal.orders.services import funds_credit
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.factories_registry import EmploymentFactory


def test_buy_credits_by_funds_book_an_employee_and_see_the_booking(page, live_server):
    primary = PortalUserFactory(all_flags=True)
    organisation = primary.organisation
    funds_credit(organisation=organisation, amount_pence=25_000, kind=FundsLedgerEntry.Kind.ADVANCE_PAYMENT,
                 reference="ADV-1")  # fmt: skip
    employment = EmploymentFactory(organisation=organisation, operative__first_name="Ffion",
                                   operative__last_name="Pritchard")  # fmt: skip
    browser_sign_in(page, primary.user)

    page.goto("/portal/")
    page.get_by_role("navigation", name="Portal sections").get_by_role("link", name="ECS Assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ECS Assessments")
    expect(page.locator('[data-credits="hse"]')).to_have_text("0")
    axe_check(page)

    page.get_by_role("link", name="Buy credits", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buy Assessment Credits")
    axe_check(page)
    page.get_by_label("HS&E Assessment – £42.00 a credit").check()
    page.get_by_label("Quantity of credits").fill("2")
    page.get_by_label("Your reference / P.O. number").fill("HS&E Q4")
    page.get_by_label("Accounts contact").fill("Mr Accounts")
    page.get_by_role("button", name="Create the order and pay").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Pay For Order HS&E Q4?")
    axe_check(page)
    page.get_by_label(re.compile(r"Funds held on account")).check()
    page.get_by_role("button", name="PAY", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("paid from funds held on account")
    assert Order.objects.get().status == Order.Status.PAID

    page.goto("/portal/assessments/credits/")
    expect(page.locator('[data-credits="hse"]')).to_have_text("2")
    axe_check(page)

    page.get_by_role("navigation", name="ECS Assessments").get_by_role("link", name="Book an Assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an Assessment")
    axe_check(page)
    page.get_by_label("HS&E Assessment (2 credits held)").check()
    page.get_by_label("Book Ffion Pritchard").check()
    page.get_by_role("button", name="Book the ticked employees").click()
    # No email address and no consent: both said beside their fields, the ticks kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text("the email address for Ffion Pritchard")
    expect(page.locator(".govuk-error-summary")).to_contain_text("each employee has given their permission")
    expect(page.get_by_label("Book Ffion Pritchard")).to_be_checked()
    axe_check(page)
    page.get_by_label("Email address for Ffion Pritchard").fill("ffion@example.com")
    page.get_by_label("Each employee ticked has given their permission").check()
    page.get_by_role("button", name="Book the ticked employees").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment Bookings")
    booking = Booking.objects.get()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Ffion Pritchard ({booking.reference})")
    row = page.get_by_role("row").filter(has_text=booking.reference)
    expect(row).to_contain_text("HS&E Assessment")
    expect(row).to_contain_text("Booked")
    axe_check(page)
    row.get_by_role("link", name=booking.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Booking {booking.reference}")
    expect(page.get_by_text("ffion@example.com")).to_be_visible()
    axe_check(page)
    assert booking.employment == employment and booking.delegate_email == "ffion@example.com"
