"""In the browser: a verification case worker takes a case from the back-office queue, reads the document beside
what was read, and puts the application on hold; the employer supplies what is missing in the portal."""

import re

from django.db import transaction
from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.applications.models import ApplicationDocument, CardApplication
from tests.applications.flows.test_card_application_processing import png_bytes, prepare_application
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.card_application.flows import CardApplicationFlow

Status = CardApplication.Status


def test_case_worker_puts_on_hold_and_the_employer_supplies(page, settings, tmp_path):
    from portal.applications import services as application_services

    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    primary = PortalUserFactory(all_flags=True)
    application = prepare_application(primary, codes=("2357-13", "2382-22"))
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
    page.goto("/backoffice/workflow/queue/")
    task = CardApplicationFlow.task_class.objects.get(flow_task=CardApplicationFlow.verify)
    page.get_by_role("link", name=f"#{task.process_id}/{task.pk}").click()
    page.wait_for_url(re.compile(rf"/verify/{task.pk}/"))
    page.get_by_role("button", name="Take", exact=True).click()
    page.wait_for_url(lambda url: "/assign/" not in url)
    page.goto("/backoffice/workflow/inbox/")
    page.get_by_role("link", name=f"#{task.process_id}/{task.pk}").click()
    page.wait_for_url(re.compile(rf"/verify/{task.pk}/execute/"))
    # The case: the document beside what was read and what the awarding body said, and the pre-check findings.
    expect(page.get_by_role("heading", name=re.compile(application.reference))).to_be_visible()
    expect(page.get_by_text("Read Name").first).to_be_visible()
    expect(page.locator(".bo-findings li.bo-findings__bad")).to_contain_text("Installation Electrician needs The AM2")
    expect(page.locator("img.bo-document__image").first).to_be_visible()
    axe_check(page)
    page.get_by_label("Put on hold: ask the employer for what is missing").check()
    page.get_by_role("button", name="Complete the task").click()
    expect(page.get_by_text("Say what is missing, or why the application is rejected.").first).to_be_visible()
    page.get_by_label("What is missing, or the reason for rejecting").fill("A copy of the AM2 certificate.")
    page.get_by_role("button", name="Complete the task").click()
    page.wait_for_url(lambda url: "/execute/" not in url)
    application.refresh_from_db()
    assert application.status == Status.ON_HOLD

    # The employer supplies what is missing in the portal.
    page.context.clear_cookies()
    browser_sign_in(page, primary.user)
    page.goto("/portal/applications/produced/")
    expect(page.get_by_text("A copy of the AM2 certificate.")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile("Supply what is missing")).click()
    expect(page.get_by_role("heading", name="Supply what is missing")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send to the JIB").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Your answer: write an answer or upload a document")
    axe_check(page)
    page.get_by_label("Your answer").fill("The AM2 certificate, passed in 2019.")
    upload = tmp_path / "am2.png"
    upload.write_bytes(png_bytes((900, 640)))
    page.get_by_label("Upload a document").set_input_files(str(upload))
    page.get_by_role("button", name="Send to the JIB").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("back with the JIB")
    axe_check(page)
    application.refresh_from_db()
    assert application.status == Status.VERIFYING and application.hold_reason == ""
    supplied = application.documents.get(entry=ApplicationDocument.Entry.MANUAL)
    assert supplied.status == ApplicationDocument.Status.MANUAL_CHECK and supplied.file
    assert CardApplicationFlow.task_class.objects.filter(flow_task=CardApplicationFlow.verify).count() == 2
    page.goto("/portal/applications/completed/")
    axe_check(page)


def test_employer_endorses_a_change_in_grading(page, settings, tmp_path):
    from portal.applications import services as application_services
    from portal.organisations.permissions import Flag
    from tests.applications.flows.test_card_application_processing import _graded_application

    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    endorser = PortalUserFactory(flags=[Flag.VIEW_APPLICATIONS, Flag.ENDORSE_GRADING])
    filler, application = _graded_application(
        endorser.organisation, at_office=endorser.organisation.head_office, qualified_supervisor=False
    )
    with transaction.atomic():
        application_services.card_application_mark_ordered(application=application, actor=filler.user)
    application_services.card_application_payment_received(application=application)
    browser_sign_in(page, endorser.user)
    page.goto("/portal/applications/produced/")
    expect(page.get_by_text("Waiting for your company to endorse it.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Endorse the change in grading")).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Approved Electrician")
    axe_check(page)
    page.get_by_role("radio", name="Decline").check()
    page.get_by_role("button", name="Save my decision").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Say why you decline")
    axe_check(page)
    page.get_by_role("radio", name="Endorse").check()
    page.get_by_role("button", name="Save my decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("you endorsed the change in grading.")
    application.refresh_from_db()
    assert application.grading_endorsed_by == endorser.user
    assert application.status == Status.VERIFIED
