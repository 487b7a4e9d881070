"""In the browser: a verifier works a card application from the team queue to a decision, in the back office's
design (axe-core: no serious violations on any page of the journey).

The way to the case is one small step (`open_from_queue`), so the queue the verifier starts from can change."""

import re

from django.db import transaction
from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.applications import services as application_services
from portal.applications.models import ApplicationDocument, CardApplication
from tests.applications.flows.test_card_application_processing import prepare_application
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.card_application.flows import CardApplicationFlow

Status = CardApplication.Status


def open_from_queue(page, application) -> None:
    """From the team queue to the task: the verifier opens the Verification queue among the team queues, takes the
    task and starts."""
    page.get_by_role("navigation", name="Back office sections").get_by_role("link", name="Team queues").click()
    axe_check(page)
    page.get_by_role("link", name="Verification", exact=True).first.click()
    axe_check(page)
    row = page.get_by_role("row").filter(has_text=application.reference).first
    row.get_by_role("link").first.click()
    axe_check(page)
    page.get_by_role("button", name="Take and start").click()


def test_a_verifier_works_a_card_application_from_the_queue_to_a_decision(page, settings, tmp_path):
    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    primary = PortalUserFactory(all_flags=True)
    application = prepare_application(
        primary, codes=("2357-13", "2382-22"), documents_status=ApplicationDocument.Status.MANUAL_CHECK
    )
    ApplicationDocument.objects.filter(application=application).update(
        reading={"awarding_body": "city-and-guilds", "candidate_name": "Read Name", "certificate_number": "N2357-13"}
    )
    with transaction.atomic():
        application_services.card_application_mark_ordered(application=application, actor=primary.user)
    application_services.card_application_payment_received(application=application)
    application.refresh_from_db()
    assert application.status == Status.VERIFYING

    verifier = account_services.jib_staff_create(
        email="victor@jib.example", first_name="Victor", last_name="Vance", mobile="+447700123456",
        teams=["verification"], password="correct horse battery",
    )  # fmt: skip
    browser_sign_in(page, verifier)
    page.goto("/backoffice/")
    expect(page.get_by_role("banner")).to_contain_text("Victor Vance")
    expect(page.get_by_role("banner")).to_contain_text("Verification")

    open_from_queue(page, application)
    task = CardApplicationFlow.task_class.objects.get(flow_task=CardApplicationFlow.verify)
    page.wait_for_url(re.compile(rf"/verify/{task.pk}/execute/"))

    # The facts first; the photo beside its rules; each document beside what was read and what the body said.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify the application")
    expect(page.get_by_text(application.reference).first).to_be_visible()
    expect(page.locator("img.bo-photo__image")).to_be_visible()
    expect(page.get_by_text("Check the photo shows")).to_be_visible()
    expect(page.get_by_role("cell", name="Read Name").first).to_be_visible()
    expect(page.locator(".bo-findings__bad").first).to_contain_text("Installation Electrician needs")
    expect(page.locator("img.bo-document__image").first).to_be_visible()
    # The decision is beside the evidence, in the first screenful, not at the bottom of a long page.
    decision = page.locator("#decision")
    box = decision.bounding_box()
    assert box["x"] > 600 and box["y"] < 900, box
    expect(page.locator(".mdc-card, .vf-card")).to_have_count(0)
    axe_check(page)

    # A hold without saying what is missing: the error at the top and beside the field; the decision kept.
    page.get_by_label("Put on hold: ask the employer for what is missing").check()
    page.get_by_role("button", name="Complete the task").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say what is missing, or why the application is rejected.")
    expect(page.locator("#id_text-error")).to_contain_text("Say what is missing")
    expect(page.get_by_label("Put on hold: ask the employer for what is missing")).to_be_checked()
    axe_check(page)
    summary.get_by_role("link").first.click()
    page.get_by_label("What is missing, or the reason for rejecting").fill("A copy of the AM2 certificate.")
    page.get_by_role("button", name="Complete the task").click()
    page.wait_for_url(lambda url: "/execute/" not in url)
    application.refresh_from_db()
    assert application.status == Status.ON_HOLD
    assert application.hold_reason == "A copy of the AM2 certificate."
    expect(page.locator(".govuk-notification-banner, .govuk-heading-l").first).to_be_visible()
    axe_check(page)
