"""The casework dashboard: card applications per JIB stage, recent outcomes, open human tasks against their service
levels; only JIB team leaders and managers see it; a constant number of queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.status import STATUS

from portal.applications.models import ApplicationDocument, ApplicationEvent, CardApplication
from tests.applications.flows.test_card_application_processing import (
    jib_client,
    open_task,
    pay,
    prepare_application,
    task_url,
)
from tests.conftest import sign_in
from tests.factories_applications import start_application
from workflows.card_application.flows import CardApplicationFlow
from workflows.dashboard import casework_dashboard
from workflows.tasklist.selectors import service_level_for

Status = CardApplication.Status
Flow = CardApplicationFlow
URL = "/backoffice-dashboard/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True


def at_status(portal_user, status, *, days_ago=0):
    """An application moved to `status` through its model, its last event `days_ago` days ago."""
    application = start_application(portal_user=portal_user)
    CardApplication.objects.filter(pk=application.pk).update(status=status)
    ApplicationEvent.objects.create(
        application=application, from_status=Status.IN_PROGRESS, to_status=status, what=status
    )
    application.events.update(at=timezone.now() - timedelta(days=days_ago))
    return application


def stage(dashboard, status):
    return next(s for s in dashboard["stages"] if s["status"] == status)


def task_row(dashboard, title):
    return next(t for t in dashboard["tasks"] if t["task"] == title)


@pytest.mark.django_db
def test_counts_per_stage_with_the_oldest_case(primary_user):
    at_status(primary_user, Status.VERIFYING, days_ago=1)
    at_status(primary_user, Status.VERIFYING, days_ago=9)
    at_status(primary_user, Status.ON_HOLD, days_ago=4)
    start_application(portal_user=primary_user)  # still with the employer: not on the dashboard
    dashboard = casework_dashboard()
    assert [s["label"] for s in dashboard["stages"]] == [
        "Received",
        "Awaiting endorsement",
        "Verifying",
        "On hold",
        "Conditional hold",
        "Verified",
        "Approved",
        "Prepared",
    ]
    assert stage(dashboard, Status.VERIFYING)["count"] == 2
    assert stage(dashboard, Status.VERIFYING)["oldest_days"] == 9
    assert stage(dashboard, Status.ON_HOLD)["count"] == 1
    assert stage(dashboard, Status.ON_HOLD)["oldest_days"] == 4
    assert (stage(dashboard, Status.RECEIVED)["count"], stage(dashboard, Status.RECEIVED)["oldest"]) == (0, None)


@pytest.mark.django_db
def test_age_falls_back_to_the_last_change_without_events(primary_user):
    application = at_status(primary_user, Status.PREPARED)
    application.events.all().delete()
    CardApplication.objects.filter(pk=application.pk).update(updated_at=timezone.now() - timedelta(days=3))
    assert stage(casework_dashboard(), Status.PREPARED)["oldest_days"] == 3


@pytest.mark.django_db
def test_dispatched_and_rejected_in_the_last_7_and_30_days(primary_user):
    at_status(primary_user, Status.DISPATCHED, days_ago=2)
    at_status(primary_user, Status.DISPATCHED, days_ago=20)
    at_status(primary_user, Status.DISPATCHED, days_ago=45)
    at_status(primary_user, Status.REJECTED, days_ago=10)
    outcomes = {o["status"]: o for o in casework_dashboard()["outcomes"]}
    assert (outcomes[Status.DISPATCHED]["last_7"], outcomes[Status.DISPATCHED]["last_30"]) == (1, 2)
    assert (outcomes[Status.REJECTED]["last_7"], outcomes[Status.REJECTED]["last_30"]) == (0, 1)


@pytest.mark.django_db
def test_open_human_tasks_against_their_service_levels(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    manual = [
        pay(
            prepare_application(primary_user, documents_status=ApplicationDocument.Status.MANUAL_CHECK),
            primary_user,
            capture,
        )
        for _ in range(2)
    ]
    automatic = pay(prepare_application(primary_user), primary_user, capture)
    assert {a.status for a in manual} == {Status.VERIFYING} and automatic.status == Status.VERIFIED

    verify_late = open_task(manual[0], Flow.verify)
    verify_late.created = timezone.now() - service_level_for(Flow.verify) - timedelta(days=1)
    verify_late.save(update_fields=["created"])
    leader = jib_client("team_leader")
    assert leader.post(task_url(automatic, Flow.approve, "assign/")).status_code == 302

    dashboard = casework_dashboard()
    verify_row = task_row(dashboard, "Verify the application")
    assert verify_row["process"] == "Card application"
    assert (verify_row["count"], verify_row["assigned"], verify_row["unassigned"]) == (2, 0, 2)
    assert verify_row["late"] == 1 and verify_row["service_level_days"] == 7
    assert verify_row["oldest_days"] == 8
    approve_row = task_row(dashboard, "Team leader approval")
    assert (approve_row["count"], approve_row["assigned"], approve_row["late"]) == (1, 1, 0)
    assert dashboard["late_tasks"] == 1
    # Only tasks waiting for a person: the employer's payment step is not one.
    assert {t["task"] for t in dashboard["tasks"]} == {"Verify the application", "Team leader approval"}

    # Three days on, the approval is late too.
    later = casework_dashboard(now=timezone.now() + timedelta(days=3))
    assert task_row(later, "Team leader approval")["late"] == 1
    assert later["late_tasks"] == 2  # the newer verification is still within its 7 days

    page = leader.get(URL)
    assert page.status_code == 200
    assert "Verify the application" in page.text and "Team leader approval" in page.text
    assert page.text.count(">Late</strong>") == 1 and "over 7 days" in page.text
    # Each number opens the cases behind it, not the unfiltered queue.
    assert "/backoffice-dashboard/cardapplication/cases/?state=late&amp;step=verify" in page.text
    late = leader.get("/backoffice-dashboard/cardapplication/cases/?state=late&step=verify")
    assert manual[0].reference in late.text and manual[1].reference not in late.text
    assert 'href="/backoffice/work/queues/"' in page.text


@pytest.mark.django_db
def test_only_team_leaders_and_managers_see_it(primary_user, client):
    assert client.get(URL).status_code == 302  # signed out: to the sign-in page
    employer = sign_in(Client(), primary_user.user)
    assert employer.get(URL).status_code == 403
    verifier = jib_client("verification")
    denied = verifier.get(URL)
    assert denied.status_code == 403
    assert f'href="{URL}"' not in denied.text  # no Dashboard in their nav
    for team in ("team_leader", "manager"):
        page = jib_client(team).get(URL)
        assert page.status_code == 200
        assert "Casework dashboard" in page.text
        assert f'href="{URL}" aria-current="page">Dashboards</a>' in page.text


@pytest.mark.django_db
@pytest.mark.parametrize("cases", [2, 20])
def test_constant_number_of_queries(primary_user, cases, django_assert_max_num_queries):
    statuses = [Status.RECEIVED, Status.VERIFYING, Status.ON_HOLD, Status.APPROVED, Status.DISPATCHED]
    for n in range(cases):
        application = at_status(primary_user, statuses[n % len(statuses)], days_ago=n)
        # A human task waiting on each case's process, as the verify step leaves it.
        process = Flow.process_class.objects.get(artifact_object_id=application.pk)
        Flow.task_class.objects.create(
            process=process, flow_task=Flow.verify, flow_task_type="HUMAN", status=STATUS.NEW
        )
    leader = jib_client("team_leader")
    with django_assert_max_num_queries(5):  # stages, outcomes, service levels, open tasks, open incidents
        dashboard = casework_dashboard()
    assert task_row(dashboard, "Verify the application")["count"] == cases
    with django_assert_max_num_queries(8):
        assert leader.get(URL).status_code == 200


@pytest.mark.django_db
def test_the_back_office_menu_links_the_dashboard_for_team_leaders_only():
    leader = jib_client("team_leader")
    assert f'href="{URL}">Dashboards</a>' in leader.get("/backoffice/", follow=True).text
    assert leader.get("/backoffice/dashboard/", follow=True).redirect_chain[-1][0] == URL
    assert f'href="{URL}"' not in jib_client("verification").get("/backoffice/", follow=True).text
