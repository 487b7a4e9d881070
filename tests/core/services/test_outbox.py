"""The outbox: jobs are recorded in the committing transaction and handed to Prefect by the relay, once each."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from portal.core import background
from portal.core.models import BackgroundJob
from portal.core.services import Handed, background_job_enqueue, background_jobs_hand, background_jobs_purge
from tests.licence_helpers import VALID, membership_records
from workflows.common.nodes import JOB_KIND
from workflows.licence.flows import LicenceFlow


class Recorder:
    """A stand-in for Prefect: records what it is handed, or refuses while it is down."""

    def __init__(self, *, pause: float = 0.0):
        self.handed: list[tuple[str, str]] = []
        self.down = False
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self, job: BackgroundJob) -> None:
        if self.down:
            raise ConnectionError("Prefect is out of reach")
        time.sleep(self.pause)
        with self.lock:
            self.handed.append((job.kind, job.ref))


@pytest.fixture
def echo(monkeypatch):
    """A kind whose in-process work records its reference, and fails for the reference "boom"."""
    ran, failed = [], []

    def run(ref):
        if ref == "boom":
            raise RuntimeError("the work failed")
        ran.append(ref)

    monkeypatch.setitem(
        background._handlers,
        "echo",
        background.BackgroundHandler(run=run, fail=lambda ref, exc: failed.append(str(exc))),
    )
    return ran, failed


@pytest.mark.django_db
def test_a_job_recorded_in_a_transaction_that_rolls_back_leaves_nothing(echo):
    with pytest.raises(RuntimeError), transaction.atomic():
        background_job_enqueue(kind="echo", ref="1")
        raise RuntimeError("the request failed after recording its job")
    assert not BackgroundJob.objects.exists()
    background_job_enqueue(kind="echo", ref="2")
    assert list(BackgroundJob.objects.values_list("ref", "handed_at")) == [("2", None)]


@pytest.mark.django_db
def test_a_waiting_job_is_recorded_once_and_an_unknown_kind_is_refused(echo):
    first = background_job_enqueue(kind="echo", ref="7")
    assert background_job_enqueue(kind="echo", ref="7") == first
    assert background_jobs_hand(hand=Recorder()).count == 1
    background_job_enqueue(kind="echo", ref="7")  # handed already: a new hand-off is a new job
    assert BackgroundJob.objects.filter(ref="7").count() == 2
    with pytest.raises(LookupError, match="No background handler"):
        background_job_enqueue(kind="no-such-kind", ref="1")


@pytest.mark.django_db
def test_a_licence_submission_records_its_automated_step_and_never_calls_prefect(client, settings, monkeypatch):
    from prefect.tasks import Task as PrefectTask

    def refuse(*args, **kwargs):
        raise AssertionError("the request called Prefect")

    monkeypatch.setattr(PrefectTask, "delay", refuse)
    monkeypatch.setattr(PrefectTask, "apply_async", refuse)
    settings.ECS_RUN_JOBS_INLINE = False
    membership_records()
    assert client.post("/apply/", VALID).status_code == 302
    job = Task.objects.get(flow_task=LicenceFlow.checks)
    waiting = BackgroundJob.objects.get()
    assert (waiting.kind, waiting.handed_at) == (JOB_KIND, None)
    assert waiting.ref == LicenceFlow.checks.activation_class(job).ref()


@pytest.mark.django_db
def test_jobs_wait_while_prefect_is_down_and_go_when_it_answers(echo):
    for ref in ("1", "2", "3"):
        background_job_enqueue(kind="echo", ref=ref)
    prefect = Recorder()
    prefect.down = True
    handed = background_jobs_hand(hand=prefect)
    assert (handed.count, handed.error) == (0, "Prefect is out of reach")
    first = BackgroundJob.objects.get(ref="1")
    assert (first.handed_at, first.attempts, first.last_error) == (None, 1, "Prefect is out of reach")
    assert BackgroundJob.objects.filter(handed_at__isnull=True).count() == 3
    prefect.down = False
    assert background_jobs_hand(hand=prefect) == Handed(count=3, error="")
    assert prefect.handed == [("echo", "1"), ("echo", "2"), ("echo", "3")]
    assert not BackgroundJob.objects.filter(handed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_hand_off_that_fails_mid_batch_keeps_what_was_handed_and_the_rest_waits(echo):
    for ref in ("1", "2", "3", "4"):
        background_job_enqueue(kind="echo", ref=ref)
    calls = []

    def flaky(job):
        calls.append(job.ref)
        if job.ref == "3" and calls.count("3") == 1:
            raise ConnectionError("reset by peer")

    assert background_jobs_hand(hand=flaky).count == 2
    assert set(BackgroundJob.objects.filter(handed_at__isnull=True).values_list("ref", flat=True)) == {"3", "4"}
    assert background_jobs_hand(hand=flaky, limit=1).count == 1
    assert background_jobs_hand(hand=flaky).count == 1
    assert calls == ["1", "2", "3", "3", "4"]


def test_the_relay_gives_each_kind_to_its_prefect_task():
    from tasks import relay

    assert relay.HAND_OFFS[JOB_KIND]("workflow_licence/flows.LicenceFlow/1/2") == (
        relay.run_job,
        {"ref": "workflow_licence/flows.LicenceFlow/1/2"},
    )
    assert relay.HAND_OFFS["read_document"]("42") == (relay.read_document, {"document_id": 42})
    assert set(relay.HAND_OFFS) == set(background.background_kinds())  # every kind the project records


@pytest.mark.django_db(transaction=True)
def test_the_relay_loop_hands_jobs_recorded_while_prefect_was_down_once_it_answers(echo):
    from tasks.relay import relay_forever

    background_job_enqueue(kind="echo", ref="1")
    prefect = Recorder()
    prefect.down = True
    stop = threading.Event()

    def run():
        try:
            relay_forever(stop, hand=prefect, poll=0.02)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not BackgroundJob.objects.filter(attempts__gte=2).exists():
            assert time.monotonic() < deadline, "the relay did not try again"
            time.sleep(0.02)
        prefect.down = False
        while BackgroundJob.objects.filter(handed_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the job was not handed once Prefect answered"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(10)
    assert prefect.handed == [("echo", "1")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_hand_each_job_once(echo):
    if connections["default"].vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    refs = [str(n) for n in range(120)]
    BackgroundJob.objects.bulk_create(BackgroundJob(kind="echo", ref=ref) for ref in refs)
    prefect = Recorder(pause=0.002)  # slow enough for the two batches to overlap
    start = threading.Barrier(2)
    counts = []

    def relay():
        try:
            start.wait()
            while BackgroundJob.objects.filter(handed_at__isnull=True).exists():
                counts.append(background_jobs_hand(hand=prefect, limit=10).count)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(ref for _, ref in prefect.handed) == sorted(refs)  # every job, none twice
    assert sum(counts) == len(refs)
    assert not BackgroundJob.objects.filter(handed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_inline_mode_runs_the_work_when_the_transaction_commits(settings, echo):
    ran, failed = echo
    settings.ECS_RUN_JOBS_INLINE = True
    with transaction.atomic():
        background_job_enqueue(kind="echo", ref="1")
        assert ran == []  # not before the commit
    assert ran == ["1"]
    assert BackgroundJob.objects.get(ref="1").handed_at is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        background_job_enqueue(kind="echo", ref="2")
        raise RuntimeError("rolled back")
    assert ran == ["1"]
    background_job_enqueue(kind="echo", ref="boom")  # autocommit: runs at once, and its failure is recorded
    assert failed == ["the work failed"]


@pytest.mark.django_db
def test_handed_jobs_are_purged_after_a_month_and_waiting_ones_never(echo):
    old, recent, waiting = (background_job_enqueue(kind="echo", ref=ref) for ref in ("old", "recent", "waiting"))
    BackgroundJob.objects.filter(pk=old.pk).update(handed_at=timezone.now() - timedelta(days=31))
    BackgroundJob.objects.filter(pk=recent.pk).update(handed_at=timezone.now() - timedelta(days=29))
    BackgroundJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=90))
    assert background_jobs_purge(older_than=timedelta(days=30)) == 1
    assert set(BackgroundJob.objects.values_list("ref", flat=True)) == {"recent", "waiting"}
