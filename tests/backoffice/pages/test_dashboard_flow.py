"""The process dashboards: figures against hand-computed data, filters, links to the cases behind each number, the
CSV, who may see them, and a constant number of queries as data grows."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from portal.accounts import services as account_services
from portal.applications.models import ApplicationEvent, CardApplication
from tests.backoffice.incident_factories import make_incident
from tests.backoffice.pages.test_backoffice_access import casework, team_client  # noqa: F401  (the cases, a client)
from tests.conftest import sign_in
from tests.factories_applications import start_application
from workflows.card_application.flows import CardApplicationFlow as Flow
from workflows.dashboard_views import duration_words
from workflows.flow_dashboard import (
    FIGURES_MAX_AGE,
    PERIODS,
    dashboard_flows,
    flow_dashboard,
    flow_figures_refresh,
    flow_figures_refresh_all,
    percentile,
)

URL = "/backoffice-dashboard/cardapplication/"
H = timedelta(hours=1)
_count = [0]


def staff(*teams) -> Client:
    _count[0] += 1
    n = _count[0]
    user = account_services.jib_staff_create(
        email=f"dash{n}@jib.example", first_name="Mo", last_name=f"Manager{n}", mobile=f"+4477008{n:05d}",
        teams=list(teams), password="correct horse battery",
    )  # fmt: skip
    return sign_in(Client(), user)


def case(now, *, started_ago, finished_ago=None):
    process = Process.objects.create(flow_class=Flow, status=PROCESS.NEW)
    Process.objects.filter(pk=process.pk).update(
        created=now - started_ago,
        status=PROCESS.DONE if finished_ago is not None else PROCESS.NEW,
        finished=now - finished_ago if finished_ago is not None else None,
    )
    return process


def task(process, node, now, *, created_ago, took=None, status=None):
    created = now - created_ago
    finished = created + took if took is not None else None
    kind = "JOB" if node is Flow.pre_checks else "HUMAN"
    row = Task.objects.create(
        process=process, flow_task=node, flow_task_type=kind, status=status or (STATUS.DONE if took else STATUS.NEW)
    )
    Task.objects.filter(pk=row.pk).update(created=created, finished=finished)
    return row


@pytest.fixture
def history(db, primary_user):
    """Hand-made history: verify took 1 h, 2 h, 3 h and 8 days in the last 30 days (and 1 h 40 days ago); approve
    1 h twice; 3 cases at verify now (one 10 days: over the 7-day service level), 1 at approve; two cases finished
    end to end in 2 and 4 days; 3 of 4 verified applications verified automatically."""
    now = timezone.now()
    done_a = case(now, started_ago=timedelta(days=5), finished_ago=timedelta(days=3))
    done_b = case(now, started_ago=timedelta(days=6), finished_ago=timedelta(days=2))
    for took in (1 * H, 2 * H, 3 * H, timedelta(days=8)):
        task(done_a, Flow.verify, now, created_ago=took + timedelta(days=1), took=took)
    task(done_a, Flow.verify, now, created_ago=timedelta(days=41), took=H)
    task(done_b, Flow.approve, now, created_ago=timedelta(days=2), took=H)
    task(done_b, Flow.approve, now, created_ago=timedelta(days=3), took=H)
    live = case(now, started_ago=timedelta(days=12))
    task(live, Flow.verify, now, created_ago=timedelta(days=10))
    task(live, Flow.verify, now, created_ago=timedelta(days=1))
    task(live, Flow.verify, now, created_ago=timedelta(hours=2), status=STATUS.ASSIGNED)
    task(live, Flow.approve, now, created_ago=timedelta(hours=5))
    task(live, Flow.verify, now, created_ago=timedelta(days=2), took=H, status=STATUS.CANCELED)  # not measured
    application = start_application(portal_user=primary_user)
    for n in range(4):
        ApplicationEvent.objects.create(
            application=start_application(portal_user=primary_user) if n else application,
            to_status=CardApplication.Status.VERIFIED,
            what="Verified",
            actor=None if n < 3 else primary_user.user,
        )
    return now


def step(board, node):
    return next(s for s in board.steps if s.node is node)


def test_percentile_is_postgresqls_percentile_cont():
    assert percentile([1, 2, 3, 10], 0.5) == 2.5
    assert percentile([1, 2, 3, 10], 0.9) == pytest.approx(7.9)
    assert percentile([], 0.5) is None
    assert percentile([4], 0.9) == 4


def test_durations_read_as_words():
    assert duration_words(None) == "–"
    assert duration_words(20) == "under a minute"
    assert duration_words(2.5 * 3600) == "2 hours 30 minutes"
    assert duration_words(86400 * 3 + 3600) == "3 days 1 hour"


@pytest.mark.django_db
def test_figures_match_the_hand_computed_history(history):
    board = flow_dashboard(flow=Flow, days=30, now=history)
    verify, approve = step(board, Flow.verify), step(board, Flow.approve)
    assert (verify.live, verify.live_late, approve.live) == (3, 1, 1)
    assert verify.finished == 4 and verify.breaches == 1
    assert verify.p50 == pytest.approx(2.5 * 3600)
    assert verify.p90 == pytest.approx((3 + 0.7 * (192 - 3)) * 3600)
    assert verify.total == pytest.approx(198 * 3600)
    assert (approve.finished, approve.p50, approve.total) == (2, 3600, 7200)
    assert board.bottlenecks[0] is verify and verify.share == 99 and approve.share == 1
    assert board.end_to_end["finished"] == 2
    assert board.end_to_end["p50"] == pytest.approx(3 * 86400)
    assert board.end_to_end["p90"] == pytest.approx(3.8 * 86400)
    assert sum(w["finished"] for w in board.weeks) == 2
    assert board.auto_verified == {"verified": 4, "automatically": 3, "by_hand": 1, "share": 75}
    assert 0 < approve.heat < verify.heat <= 5  # against the busiest step (the employers paying, here)
    # 90 days takes in the verification 41 days ago.
    assert step(flow_dashboard(flow=Flow, days=90, now=history), Flow.verify).finished == 5


@pytest.mark.django_db
def test_a_team_sees_the_steps_it_works(history):
    assert [s.node for s in flow_dashboard(flow=Flow, team="verification", now=history).steps] == [Flow.verify]
    assert [s.node for s in flow_dashboard(flow=Flow, team="processing", now=history).steps] == [Flow.dispatch]
    assert flow_dashboard(flow=Flow, team="finance", now=history).steps == []


@pytest.mark.django_db
def test_incidents_count_on_the_dashboard(history):
    make_incident(Flow.pre_checks)
    board = flow_dashboard(flow=Flow, now=history)
    assert board.incidents == 1 and step(board, Flow.pre_checks).incidents == 1


@pytest.mark.django_db
def test_the_page_links_every_number_to_its_cases(history):
    client = staff("manager")
    page = client.get(URL + "?days=30")
    assert page.status_code == 200
    text = page.text
    assert 'id="live-total"' in text and "98%" not in text
    assert "75%</strong> of the card applications verified" in text
    assert "cases/?state=live&amp;step=verify&amp;days=30" in text
    assert "<svg" in text and "Verify the application" in text
    assert "{'" not in text and "None" not in text.replace("None set", "")
    late = client.get(URL + "cases/?state=late&step=verify&days=30")
    assert late.status_code == 200 and late.text.count("Card application #") == 1
    live = client.get(URL + "cases/?state=live&step=verify&days=30")
    assert live.text.count("Card application #") == 3
    finished = client.get(URL + "cases/?state=finished&step=verify&days=30")
    assert finished.text.count("Card application #") == 4
    breached = client.get(URL + "cases/?state=breached&step=verify&days=30")
    assert breached.text.count("Card application #") == 1 and "8 days" in breached.text
    done = client.get(URL + "cases/?state=done&days=30")
    assert done.text.count("Card application #") == 2
    assert client.get(URL + "cases/?state=live&step=nothing").status_code == 404
    assert client.get("/backoffice-dashboard/nothing/").status_code == 404


@pytest.mark.django_db
def test_csv_export(history):
    response = staff("team_leader").get(URL + "?days=30&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    verify = next(r for r in rows if r[0] == "Verify the application")
    assert verify[2:7] == ["3", "1", "4", "2.5", "135.3"]
    assert rows[-1][0] == "End to end" and rows[-1][4] == "2"


@pytest.mark.django_db
def test_only_team_leaders_and_managers(client, primary_user):
    for team in ("verification", "licensing", "finance", "processing"):
        assert staff(team).get(URL).status_code == 403
        assert staff(team).get(URL + "cases/?state=live&step=verify").status_code == 403
    sign_in(client, primary_user.user)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_queries_stay_the_same_as_data_grows(history, django_assert_max_num_queries):
    client = staff("manager")
    client.get(URL)
    with django_assert_max_num_queries(30) as before:
        client.get(URL)
    cases = URL + "cases/?state=live&step=approve"
    with django_assert_max_num_queries(20) as listing:
        client.get(cases)
    now = timezone.now()
    for n in range(20):
        process = case(now, started_ago=timedelta(days=3), finished_ago=timedelta(days=1))
        task(process, Flow.verify, now, created_ago=timedelta(days=2), took=H * (n + 1))
        task(process, Flow.approve, now, created_ago=timedelta(hours=n + 1))
        make_incident(Flow.pre_checks)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(URL)
    with django_assert_max_num_queries(len(listing.captured_queries)):
        assert client.get(cases).text.count("Card application #") == 21
    # Working out the period's figures (the schedule's work) costs the same queries too.
    with django_assert_max_num_queries(12) as computing:
        flow_figures_refresh(flow=Flow, days=90)
    for n in range(20):
        process = case(now, started_ago=timedelta(days=3), finished_ago=timedelta(days=1))
        task(process, Flow.dispatch, now, created_ago=timedelta(days=2), took=H * (n + 1))
    with django_assert_max_num_queries(len(computing.captured_queries)):
        flow_figures_refresh(flow=Flow, days=90)


@pytest.mark.django_db
def test_the_period_figures_are_kept_and_worked_out_again_on_schedule(history):
    now = timezone.now()
    assert step(flow_dashboard(flow=Flow, days=30), Flow.verify).finished == 4
    done = case(now, started_ago=timedelta(days=3), finished_ago=timedelta(days=1))
    task(done, Flow.verify, now, created_ago=timedelta(days=2), took=H)
    kept = flow_dashboard(flow=Flow, days=30)
    assert step(kept, Flow.verify).finished == 4  # as kept
    assert step(kept, Flow.verify).live == 3  # what is live is counted afresh
    # Every process of the back office (the assessment booking and contract set-up ones too), every period.
    assert flow_figures_refresh_all() == len(dashboard_flows()) * len(PERIODS) >= 6 * 3
    assert step(flow_dashboard(flow=Flow, days=30), Flow.verify).finished == 5
    task(done, Flow.verify, now, created_ago=timedelta(days=2), took=H)
    later = flow_dashboard(flow=Flow, days=30, now=now + FIGURES_MAX_AGE + timedelta(minutes=1))
    assert step(later, Flow.verify).finished == 6  # too old: worked out again
    page = staff("manager").get(URL).text
    assert 'id="figures-at"' in page


def test_the_figures_are_a_scheduled_deployment():
    from concurrent.futures import ThreadPoolExecutor

    from tasks.serve import deployments

    with ThreadPoolExecutor(max_workers=1) as pool:
        built = pool.submit(deployments).result()
    scheduled = next(d for d in built if d.flow_name == "refresh-dashboard-figures")
    assert scheduled.schedules[0].schedule.interval.total_seconds() == 600


@pytest.mark.django_db
def test_every_page_of_incidents_dashboards_and_finance_as_every_team(casework, primary_user):  # noqa: F811
    """No 5xx and no raw value on these pages as any team; an employer's user refused everywhere."""
    from django.urls import reverse

    from portal.accounts.models import JibTeam
    from portal.orders.models import BankStatement
    from tests.backoffice.pages.test_backoffice_pages import check

    incident = make_incident(Flow.pre_checks)
    statement = BankStatement.objects.create(name="nov.csv", lines_read=0)
    pages = [
        reverse("incidents:list"),
        reverse("incidents:detail", args=[incident.pk]),
        "/backoffice/incidents/?state=resolved",
    ]
    pages += [reverse("finance:index"), reverse("finance:statement", args=[statement.pk])]
    for flow in [registered.instance.flow_label for registered in dashboard_flows()]:
        for query in ("", "?days=7&team=verification", "?days=90&team=licensing", "?format=csv"):
            pages.append(f"/backoffice-dashboard/{flow}/{query}")
        pages.append(f"/backoffice-dashboard/{flow}/cases/?state=done&days=7")
        pages.append(f"/backoffice-dashboard/{flow}/cases/?state=started_week&week=2026-11-23")
    pages += [URL + f"cases/?state={state}&step=verify" for state in ("live", "late", "finished", "breached")]
    problems = []
    for team in JibTeam:
        client = team_client(team)
        problems += [problem for url in pages for problem in check(client, url, team)]
    assert not problems, "\n".join(problems)
    portal = sign_in(Client(), primary_user.user)
    for url in pages:
        assert portal.get(url).status_code == 403, url
