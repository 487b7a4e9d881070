"""Automated steps waiting together go to Prefect as one task run (`run_jobs`): each step still completes, a
failing one is retried and then handed to a person, and the grouping follows the kinds and the workers."""

import time

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.core.models import BackgroundJob
from portal.core.services import background_job_enqueue, background_jobs_hand_batches
from portal.licensing.models import LicenceApplication
from tests.factories import UserFactory
from tests.licence_helpers import VALID, membership_records
from workflows.common import services as job_services
from workflows.common.nodes import JOB_KIND
from workflows.incidents.models import Incident
from workflows.incidents.services import incident_send_to_manual
from workflows.licence.flows import LicenceFlow


@pytest.fixture
def echo_kinds(monkeypatch):
    from portal.core import background

    for kind in ("echo", "other"):
        background.background_handler_register(kind, run=lambda ref: None, fail=lambda ref, exc: None)
    yield
    for kind in ("echo", "other"):
        background._handlers.pop(kind, None)


@pytest.mark.django_db
def test_waiting_jobs_are_grouped_by_kind_oldest_first(echo_kinds):
    for ref, kind in enumerate(["echo", "echo", "other", "echo", "echo", "echo"]):
        background_job_enqueue(kind=kind, ref=str(ref))
    groups = []
    handed = background_jobs_hand_batches(
        hand=lambda kind, jobs: groups.append((kind, [j.ref for j in jobs])),
        batch_size=lambda kind, waiting: 2 if kind == "echo" else 1,
    )
    assert handed.count == 6 and not handed.error
    assert groups == [("echo", ["0", "1"]), ("other", ["2"]), ("echo", ["3", "4"]), ("echo", ["5"])]
    assert not BackgroundJob.objects.filter(handed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_group_that_cannot_be_handed_stays_waiting_whole(echo_kinds):
    for ref in range(4):
        background_job_enqueue(kind="echo", ref=str(ref))

    def hand(kind, jobs):
        if jobs[0].ref == "2":
            raise ConnectionError("Prefect is out of reach")

    handed = background_jobs_hand_batches(hand=hand, batch_size=lambda kind, waiting: 2)
    assert handed.count == 2 and handed.error == "Prefect is out of reach"
    waiting = BackgroundJob.objects.filter(handed_at__isnull=True).order_by("pk")
    assert [(j.ref, j.attempts) for j in waiting] == [("2", 1), ("3", 1)]


def test_group_sizes_spread_a_burst_over_the_workers(monkeypatch):
    from tasks import relay

    monkeypatch.setattr(relay, "JOB_BATCH", 20)
    monkeypatch.setattr(relay, "TASK_WORKERS", 2)
    assert relay.group_size(JOB_KIND, 1) == 1
    assert relay.group_size(JOB_KIND, 7) == 4
    assert relay.group_size(JOB_KIND, 100) == 20
    assert relay.group_size("read_document", 50) == 1  # documents are read one per run: minutes of OCR each
    refs = ["workflow_licence/flows.LicenceFlow/1/2", "workflow_licence/flows.LicenceFlow/3/4"]
    assert relay.GROUP_HAND_OFFS[JOB_KIND](refs) == (relay.run_jobs, {"refs": refs})
    assert relay.GROUP_HAND_OFFS["send_notification"](["7", "8"]) == (
        relay.send_notifications,
        {"notification_ids": [7, 8]},
    )
    assert set(relay.GROUP_HAND_OFFS) <= set(relay.HAND_OFFS)


# -- On Prefect -------------------------------------------------------------------------------------------------


@pytest.fixture
def task_worker_without_relay(prefect_task_worker, django_db_serialized_rollback, transactional_db, settings):
    """The session's task worker; the test hands the jobs itself, so that they wait together."""
    settings.ECS_RUN_JOBS_INLINE = False


def submit_applications(client, n: int) -> None:
    membership_records()
    for i in range(n):
        data = {**VALID, "primary_email": f"p{i}@northernsparks.example"}
        assert client.post("/apply/", data).status_code == 302


def hand_all_as_groups(monkeypatch, workers: int = 1) -> None:
    from django.db import connections

    from tasks import relay

    monkeypatch.setattr(relay, "TASK_WORKERS", workers)
    prefect = relay.PrefectHandOff()
    try:
        while BackgroundJob.objects.filter(handed_at__isnull=True).exists():
            assert not relay.relay_once(hand=prefect).error
    finally:
        prefect.close()
        connections.close_all()


def wait_for(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.25)


@pytest.mark.prefect
def test_a_group_of_steps_runs_each_step(client, task_worker_without_relay, companies_house, monkeypatch):
    submit_applications(client, 3)
    assert BackgroundJob.objects.filter(kind=JOB_KIND, handed_at__isnull=True).count() == 3
    hand_all_as_groups(monkeypatch)
    wait_for(
        lambda: Task.objects.filter(flow_task=LicenceFlow.checks, status=STATUS.DONE).count() == 3,
        "the grouped checks did not all finish",
    )
    assert LicenceApplication.objects.filter(status=LicenceApplication.Status.VERIFYING).count() == 3
    assert Task.objects.filter(flow_task=LicenceFlow.verify, status=STATUS.NEW).count() == 3


@pytest.mark.prefect
def test_a_failing_step_of_a_group_is_retried_then_goes_to_a_person(
    client, task_worker_without_relay, companies_house_down, monkeypatch
):
    """Each failing step of the group is retried with the group, then waits as an incident (its tries counted); a
    person sends the case to the step's .OnError boundary, the check done by hand."""
    submit_applications(client, 2)
    hand_all_as_groups(monkeypatch)
    wait_for(
        lambda: Incident.objects.filter(resolved_at__isnull=True).count() == 2,
        "the failed steps did not open incidents",
    )
    assert not Task.objects.filter(flow_task=LicenceFlow.check_manually).exists()  # not before a person says so
    for failed in Task.objects.filter(flow_task=LicenceFlow.checks):
        assert failed.status == STATUS.ERROR
        assert "Companies House" in job_services.job_failure_reason(task=failed)
        assert Incident.objects.get(task=failed).tries > 1  # the group's retries are counted
    person = UserFactory()
    for incident in Incident.objects.filter(resolved_at__isnull=True):
        incident_send_to_manual(incident=incident, actor=person)
    assert Task.objects.filter(flow_task=LicenceFlow.check_manually, status=STATUS.NEW).count() == 2
    for failed in Task.objects.filter(flow_task=LicenceFlow.checks):
        assert failed.status in (STATUS.ERROR, STATUS.CANCELED)
