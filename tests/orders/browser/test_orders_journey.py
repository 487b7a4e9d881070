"""Orders in the browser: from Applications Requiring Attention, finalised applications into a new order, closed and
paid by card on the sandbox's test-card page against localstripe; localstripe's signed webhook marks the order paid
and the applications show "Received"."""

import re

from playwright.sync_api import expect

from portal.applications.models import CardApplication
from portal.integrations import stripe_payments
from portal.orders.models import Order
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.stripe_fixtures import finalised_application


def test_finalised_applications_to_a_paid_order(page, live_server, stripe_sandbox):
    stripe_payments.sandbox_register_webhook(
        name="orders-browser", url=f"{live_server.url}/portal/orders/stripe/webhook/",
        events=["payment_intent.succeeded", "payment_intent.payment_failed"],
    )  # fmt: skip
    primary = PortalUserFactory(all_flags=True)  # a JIB member: £36.00 less £6.00 a card
    applications = [finalised_application(portal_user=primary) for _ in range(2)]
    browser_sign_in(page, primary.user)

    page.goto("/portal/applications/")
    expect(page.get_by_role("heading", name="2 Finalised Applications - Awaiting Ordering")).to_be_visible()
    axe_check(page)
    for application in applications:
        page.get_by_label(f"Select {application.reference} {application.operative.full_name}").check()
    page.get_by_role("button", name="ADD 2 APPLICATIONS TO A PURCHASE").click()
    expect(page.get_by_text("Select Order to add selected Applications to?")).to_be_visible()
    expect(page.get_by_text("There are no pending orders available")).to_be_visible()
    axe_check(page)
    page.get_by_label("+ CREATE A NEW ORDER").check()
    page.get_by_label("Your reference / P.O. number").fill("Initial Application JJ")
    page.get_by_label("Accounts contact").fill("Mr Accounts")
    page.get_by_label("Delivery to the attention of").fill("Ms Cards")
    page.get_by_role("button", name="CLOSE ORDER & PROCEED TO PAYMENT").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Pay For Order Initial Application JJ?")
    axe_check(page)
    page.get_by_label("Credit or debit card").check()
    page.get_by_role("button", name="PAY", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay £60.00 by credit or debit card")
    axe_check(page)
    page.get_by_label("Card number").fill("4000000000000002")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_role("button", name="Pay £60.00").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Your card was declined.")
    axe_check(page)
    order = Order.objects.get()
    assert order.status == Order.Status.AWAITING_PAYMENT
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_role("button", name="Pay £60.00").click()

    page.wait_for_url(re.compile(rf"/portal/orders/{order.pk}/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("your card payment was taken")
    axe_check(page)
    # The page refreshes until localstripe's webhook has marked the order paid.
    expect(page.locator("#order-status")).to_contain_text("Paid - being fulfilled", timeout=20000)
    expect(page.locator("[data-application-status=received]")).to_have_count(2)
    expect(page.get_by_text("Received", exact=True)).to_have_count(2)
    axe_check(page)
    assert {a.status for a in CardApplication.objects.all()} == {CardApplication.Status.RECEIVED}

    page.get_by_role("link", name="Financial History").click()
    expect(page.get_by_text("Credit or debit card")).to_be_visible()
    axe_check(page)
