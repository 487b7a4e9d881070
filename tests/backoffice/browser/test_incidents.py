"""In the browser: the awarding body was down, the pre-checks failed after their retries and wait as an incident; once
the body answers again a team leader retries the step from the incidents list and the application is verified."""

import re

from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.applications.models import CardApplication
from tests.backoffice.incident_helpers import failed_pre_checks
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.incidents.models import Incident


def test_an_incident_retried_after_the_awarding_body_comes_back(
    page, settings, tmp_path, awarding_bodies, django_capture_on_commit_callbacks
):
    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    primary = PortalUserFactory(all_flags=True)
    application, incident, good_url = failed_pre_checks(primary, settings, django_capture_on_commit_callbacks)
    leader = account_services.jib_staff_create(
        email="tess@jib.example", first_name="Tess", last_name="Leader", mobile="+447700123459",
        teams=["team_leader"], password="correct horse battery",
    )  # fmt: skip
    browser_sign_in(page, leader)
    page.goto("/backoffice-dashboard/")
    page.get_by_role("link", name="1 automated step failed").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    row = page.locator("#incidents tbody tr").first
    expect(row).to_contain_text(application.reference)
    expect(row).to_contain_text("Automated pre-checks")
    axe_check(page)

    row.get_by_role("link", name=re.compile("Retry or check by hand")).click()
    expect(page.get_by_role("heading", name=re.compile("Automated pre-checks failed for"))).to_be_visible()
    axe_check(page)
    settings.AWARDING_BODIES_URL = good_url  # the awarding body answers again
    page.get_by_role("button", name="Run the step again").click()
    page.wait_for_url(re.compile(r"/backoffice/incidents/$"))
    expect(page.get_by_text(f"The step is running again for {incident.case}.")).to_be_visible()
    expect(page.get_by_text("No automated step is waiting for a person.")).to_be_visible()
    axe_check(page)
    application.refresh_from_db()
    assert application.status == CardApplication.Status.VERIFIED
    assert Incident.objects.get().resolution == Incident.Resolution.RETRIED
