"""In the browser: a team leader opens the casework dashboard, sees a verification task over its service level, and
follows the link to the back-office queue where the case waits."""

import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.applications.models import ApplicationDocument, CardApplication
from tests.applications.flows.test_card_application_processing import prepare_application
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.card_application.flows import CardApplicationFlow


def test_team_leader_sees_late_work_and_goes_to_the_queue(page, settings, tmp_path):
    from portal.applications import services as application_services

    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    primary = PortalUserFactory(all_flags=True)
    application = prepare_application(primary, documents_status=ApplicationDocument.Status.MANUAL_CHECK)
    with transaction.atomic():
        application_services.card_application_mark_ordered(application=application, actor=primary.user)
    application_services.card_application_payment_received(application=application)
    application.refresh_from_db()
    assert application.status == CardApplication.Status.VERIFYING
    CardApplicationFlow.task_class.objects.filter(flow_task=CardApplicationFlow.verify).update(
        created=timezone.now() - timedelta(days=9)
    )

    leader = account_services.jib_staff_create(
        email="tom@jib.example", first_name="Tom", last_name="Taylor", mobile="+447700123457",
        teams=["team_leader"], password="correct horse battery",
    )  # fmt: skip
    browser_sign_in(page, leader)
    # The dashboard is in the JIB staff navigation.
    page.goto("/backoffice-dashboard/")
    nav = page.get_by_role("navigation", name="Portal sections")
    nav.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Casework dashboard")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")

    tasks = page.locator("#tasks")
    row = tasks.get_by_role("row").filter(has_text="Verify the application")
    expect(row).to_contain_text("Card application")
    expect(row.locator(".govuk-tag")).to_have_text("Late")
    expect(row).to_contain_text("1 over 7 days")
    expect(page.get_by_text("1 task waiting longer than its service level.")).to_be_visible()
    verifying = page.locator("#stages").get_by_role("row").filter(has_text="Verifying")
    expect(verifying.locator("td").first).to_have_text("1")
    axe_check(page)

    page.get_by_role("link", name="back office queue").click()
    page.wait_for_url(re.compile(r"/backoffice/workflow/queue/"))
    expect(page.get_by_text(application.reference).first).to_be_visible()
