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


def hand_each(hand_one):
    """A `hand` for background_jobs_hand_batches from one that takes a group: "" or why it raised, for each."""

    def hand(groups):
        errors = []
        for kind, jobs in groups:
            try:
                hand_one(kind, jobs)
                errors.append("")
            except Exception as exc:  # noqa: BLE001
                errors.append(str(exc))
        return errors

    return hand


@pytest.mark.django_db
def test_waiting_jobs_are_grouped_by_kind_oldest_first(echo_kinds):
    for ref, kind in enumerate(["echo", "echo", "other", "echo", "echo", "echo"]):
        background_job_enqueue(kind=kind, ref=str(ref))
    groups = []
    handed = background_jobs_hand_batches(
        hand=hand_each(lambda kind, jobs: groups.append((kind, [j.ref for j in jobs]))),
        group_sizes=lambda kind, waiting: [2, 2, 1] if kind == "echo" else [1] * waiting,
    )
    assert handed.count == 6 and not handed.error
    assert groups == [("echo", ["0", "1"]), ("other", ["2"]), ("echo", ["3", "4"]), ("echo", ["5"])]
    assert not BackgroundJob.objects.filter(handed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_group_that_cannot_be_handed_stays_waiting_whole(echo_kinds):
    for ref in range(6):
        background_job_enqueue(kind="echo", ref=str(ref))

    def hand(kind, jobs):
        if jobs[0].ref == "2":
            raise ConnectionError("Prefect is out of reach")

    handed = background_jobs_hand_batches(hand=hand_each(hand), group_sizes=lambda kind, waiting: [2, 2, 2])
    # The groups are handed side by side: the one that failed waits, whole; the others are handed.
    assert handed.count == 4 and handed.error == "Prefect is out of reach"
    waiting = BackgroundJob.objects.filter(handed_at__isnull=True).order_by("pk")
    assert [(j.ref, j.attempts, j.last_error) for j in waiting] == [
        ("2", 1, "Prefect is out of reach"),
        ("3", 1, "Prefect is out of reach"),
    ]


def test_group_sizes_are_even_spread_over_the_workers_and_grow_when_the_queue_is_deep(monkeypatch):
    from tasks import relay

    monkeypatch.setattr(relay, "JOB_BATCH", 20)
    monkeypatch.setattr(relay, "JOB_BATCH_MAX", 50)
    monkeypatch.setattr(relay, "RUNS_PER_WORKER", 4)
    monkeypatch.setattr(relay, "TASK_WORKERS", 2)
    assert relay.group_sizes(JOB_KIND, 0) == []
    assert relay.group_sizes(JOB_KIND, 1) == [1]
    assert relay.group_sizes(JOB_KIND, 7) == [4, 3]
    # No small tail group: 50 go as four runs of 12-13, two for each worker (not 20, 20 and 10).
    assert relay.group_sizes(JOB_KIND, 50) == [13, 13, 12, 12]
    assert relay.group_sizes(JOB_KIND, 160) == [20] * 8
    # Deeper than four runs a worker: larger runs, up to 50 steps each.
    assert relay.group_sizes(JOB_KIND, 200) == [25] * 8
    assert relay.group_sizes(JOB_KIND, 1000) == [50] * 20
    monkeypatch.setattr(relay, "TASK_WORKERS", 1)
    assert relay.group_sizes(JOB_KIND, 50) == [17, 17, 16]
    assert relay.group_sizes(JOB_KIND, 200) == [50] * 4
    assert relay.group_sizes("read_document", 3) == [1, 1, 1]  # documents are read one per run: OCR takes seconds
    monkeypatch.setattr(relay, "JOB_BATCH", 1)
    assert relay.group_sizes(JOB_KIND, 3) == [1, 1, 1]
    refs = ["workflow_licence/flows.LicenceFlow/1/2", "workflow_licence/flows.LicenceFlow/3/4"]
    assert relay.GROUP_HAND_OFFS[JOB_KIND](refs) == (relay.run_jobs, {"refs": refs})
    assert relay.GROUP_HAND_OFFS["send_notification"](["7", "8"]) == (
        relay.send_notifications,
        {"notification_ids": [7, 8]},
    )
    assert set(relay.GROUP_HAND_OFFS) <= set(relay.HAND_OFFS)


def test_a_run_not_created_in_time_leaves_only_its_group_waiting(monkeypatch):
    """The relay creates a batch's task runs side by side, each with its own time limit: a slow one does not hold
    up the others, nor make them count as not handed (their runs exist: handing them again would duplicate them)."""
    import asyncio
    import threading

    from tasks import relay

    created = []

    async def slow_for_one(task, parameters):
        if parameters["ref"] == "slow":
            await asyncio.sleep(5)
        created.append(parameters["ref"])

    monkeypatch.setitem(relay.HAND_OFFS, "echo", lambda ref: ("echo-task", {"ref": ref}))
    monkeypatch.setattr(relay, "HAND_OFF_TIMEOUT_SECONDS", 0.3)
    hand = relay.PrefectHandOff()
    hand._create_run = slow_for_one
    hand.loop, hand.client = asyncio.new_event_loop(), object()
    threading.Thread(target=hand.loop.run_forever, daemon=True).start()
    jobs = [BackgroundJob(kind="echo", ref=ref) for ref in ("1", "slow", "2")]
    assert hand.groups([("echo", [job]) for job in jobs]) == ["", "TimeoutError", ""]
    assert sorted(created) == ["1", "2"]
    assert hand.loop is None  # the client is dropped after a failure; the next batch opens a new one


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


@pytest.mark.django_db
def test_an_automated_step_runs_and_completes_in_a_bounded_number_of_queries(
    client, settings, django_assert_max_num_queries
):
    """The licence checks step, as a task worker runs it: the checks' reads and writes, then the completion under
    the process lock (the task read with its process, its result saved with its start, the next task created, and
    that human task's row in the work lists: its service level, answered holds, case and insert in a savepoint)."""
    settings.ECS_RUN_JOBS_INLINE = False
    membership_records()
    for i in range(2):
        data = {**VALID, "companies_house_number": "N/A", "primary_email": f"q{i}@northernsparks.example"}
        assert client.post("/apply/", data).status_code == 302
    first, second = BackgroundJob.objects.filter(kind=JOB_KIND).order_by("pk").values_list("ref", flat=True)
    assert job_services.job_run(ref=first)
    with django_assert_max_num_queries(30):
        assert job_services.job_run(ref=second)
    task = Task.objects.get(flow_task=LicenceFlow.checks, process__pk=int(second.split("/")[-2]))
    assert task.status == STATUS.DONE and "duplicates" in task.data["result"]
    assert not job_services.job_run(ref=second)  # a repeated delivery changes nothing
