"""In the browser: a manager opens the casework dashboard, sees a verification task over its service level, opens
the card application process's dashboard (the diagram with its live counts, cycle times, bottlenecks) and follows
the biggest bottleneck to the cases behind it; every page passes axe-core."""

import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.status import STATUS

from portal.accounts import services as account_services
from portal.applications.models import ApplicationDocument, CardApplication
from tests.applications.flows.test_card_application_processing import prepare_application
from tests.backoffice.pages.test_dashboard_flow import H, case, task
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.card_application.flows import CardApplicationFlow as Flow


def test_manager_follows_a_bottleneck_to_its_cases(page, settings, tmp_path):
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
    Flow.task_class.objects.filter(flow_task=Flow.verify).update(created=timezone.now() - timedelta(days=9))
    # History: verification took 3 days twice; approval an hour.
    now = timezone.now()
    for days in (5, 6):
        done = case(now, started_ago=timedelta(days=days), finished_ago=timedelta(days=1))
        task(done, Flow.verify, now, created_ago=timedelta(days=days - 1), took=timedelta(days=3))
        task(done, Flow.approve, now, created_ago=timedelta(days=1, hours=2), took=H, status=STATUS.DONE)

    manager = account_services.jib_staff_create(
        email="mia@jib.example", first_name="Mia", last_name="Manager", mobile="+447700123458",
        teams=["manager"], password="correct horse battery",
    )  # fmt: skip
    browser_sign_in(page, manager)
    page.goto("/backoffice-dashboard/")
    expect(page.get_by_role("heading", name="Casework dashboard")).to_be_visible()
    row = page.locator("#tasks").get_by_role("row").filter(has_text="Verify the application")
    expect(row.locator(".govuk-tag")).to_have_text("Late")
    axe_check(page)

    page.get_by_role("link", name="Card application: cycle times, throughput and bottlenecks").click()
    expect(page.get_by_role("heading", name="Card application", exact=True)).to_be_visible()
    expect(page.locator("svg.ecs-heatmap")).to_be_visible()
    steps = page.locator("#steps")
    verify = steps.get_by_role("row").filter(has_text="Verify the application")
    expect(verify.locator("td").nth(0)).to_have_text("1 at Verify the application now")
    expect(verify.locator("td").nth(2)).to_have_text("2 finished at Verify the application")
    axe_check(page)

    # The period and the team narrow the figures.
    page.get_by_label("Team").select_option("verification")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#steps").get_by_role("row")).to_have_count(2)  # the header and Verify the application
    axe_check(page)

    bottleneck = page.locator("#bottlenecks li").first
    expect(bottleneck).to_contain_text("Verify the application")
    bottleneck.get_by_role("link", name="Verify the application", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\?state=finished&step=verify"))
    expect(page.get_by_role("heading", name=re.compile("Verify the application: finished"))).to_be_visible()
    expect(page.locator("#cases tbody tr")).to_have_count(2)
    expect(page.locator("#cases tbody tr").first).to_contain_text("3 days")
    axe_check(page)
