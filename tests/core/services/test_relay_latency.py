"""Commit -> automated step: what the relay and the task worker no longer do per job (issue 17).

The relay is woken by a NOTIFY sent after the commit that recorded jobs (PostgreSQL), creates each task run without
its Prefect context, and the task worker keeps one Prefect client and no result cache for its runs."""

import os
import select
import threading
import time

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from portal.core import background
from portal.core.models import BackgroundJob
from portal.core.services import background_job_enqueue
from workflows.common.nodes import JOB_KIND


@pytest.fixture
def echo(monkeypatch, settings):
    """A kind of job to record, handed over by a relay (not run in this process)."""
    settings.ECS_RUN_JOBS_INLINE = False
    monkeypatch.setitem(background._handlers, "echo", background.BackgroundHandler(run=print, fail=print))


def notifications(conn, wait: float = 0.3) -> int:
    select.select([conn], [], [], wait)
    conn.poll()
    count = len(conn.notifies)
    conn.notifies.clear()
    return count


def postgres_only():
    if connections["default"].vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_records_jobs_notifies_the_relay_once_after_its_commit(echo):
    postgres_only()
    from tasks.relay import OutboxListener

    listener = OutboxListener()
    conn = listener._connection()
    assert conn is not None, "the relay could not listen"
    try:
        with CaptureQueriesContext(connections["default"]) as queries, transaction.atomic():
            background_job_enqueue(kind="echo", ref="1")
            background_job_enqueue(kind="echo", ref="2")
        sql = [q["sql"] for q in queries.captured_queries]
        notifies = [i for i, statement in enumerate(sql) if statement.startswith("NOTIFY")]
        # one NOTIFY, on its own after the COMMIT: not in the transaction, where it would lock at commit
        assert len(notifies) == 1 and sql.index("COMMIT") < notifies[0], sql
        assert notifications(conn) == 1

        with pytest.raises(RuntimeError), transaction.atomic():
            background_job_enqueue(kind="echo", ref="3")
            raise RuntimeError("rolled back")
        assert notifications(conn) == 0  # nothing recorded, nobody woken
    finally:
        listener.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_idle_relay_wakes_as_soon_as_a_job_is_committed_and_otherwise_polls(echo):
    postgres_only()
    from tasks.relay import OutboxListener

    listener, stop = OutboxListener(), threading.Event()
    try:
        listener.wait(stop, 0.05)  # starts listening

        def record():  # another process's request, in effect: its own connection, closed after
            try:
                background_job_enqueue(kind="echo", ref="1")
            finally:
                connections.close_all()

        timer = threading.Timer(0.2, record)
        timer.start()
        began = time.monotonic()
        listener.wait(stop, 10)
        woken = time.monotonic() - began
        timer.join()
        assert woken < 2, f"woken after {woken:.2f} s: the notification did not reach the relay"
        began = time.monotonic()
        listener.wait(stop, 0.3)  # nothing new: the next look after the poll interval
        assert time.monotonic() - began >= 0.25
    finally:
        listener.close()
        connections.close_all()


def test_without_postgresql_or_its_connection_the_relay_polls(monkeypatch):
    from tasks.relay import OutboxListener

    listener = OutboxListener()
    monkeypatch.setattr(listener, "_connection", lambda: None)
    began = time.monotonic()
    listener.wait(threading.Event(), 0.1)
    assert 0.09 <= time.monotonic() - began < 2


def test_the_relay_creates_a_run_without_its_prefect_context(monkeypatch):
    """The run's parameters carry no serialised Prefect settings: the relay does not serialise them (~22 ms CPU a
    run) and the worker does not rebuild them, nor open a client for them, before the run."""
    import asyncio

    import prefect.context
    import prefect.task_worker

    from tasks import relay

    stored, created = [], []

    async def store_parameters(store, identifier, data):
        stored.append((store, identifier, data))

    class Client:
        async def create_task_run(self, **kwargs):
            created.append(kwargs)
            return "run"

    monkeypatch.setattr(prefect.task_worker, "store_parameters", store_parameters)
    monkeypatch.setattr(prefect.context, "serialize_context", lambda *a, **k: pytest.fail("context serialised"))
    hand = relay.PrefectHandOff()
    hand.loop, hand.client = asyncio.new_event_loop(), Client()
    threading.Thread(target=hand.loop.run_forever, daemon=True).start()
    hand.stores[relay.run_jobs.task_key] = "store"
    jobs = [BackgroundJob(kind=JOB_KIND, ref=ref) for ref in ("a", "b")]
    try:
        assert hand.groups([(JOB_KIND, jobs)]) == [""]  # one group, handed
    finally:
        hand.close()
    [(store, parameters_id, data)] = stored
    assert store == "store"
    assert data == {"parameters": {"refs": ["a", "b"]}, "context": {}}
    [run] = created
    state = run["state"]
    assert state.is_scheduled() and state.state_details.deferred
    assert state.state_details.task_parameters_id == parameters_id
    assert run["task"] is relay.run_jobs and run["flow_run_id"] is None


def test_background_tasks_skip_prefects_result_cache():
    """No cache key (the task's source and parameters hashed), no result file looked up and written, per run."""
    from prefect.cache_policies import NO_CACHE

    from tasks.worker import BACKGROUND_TASKS

    assert [task.cache_policy for task in BACKGROUND_TASKS] == [NO_CACHE] * len(BACKGROUND_TASKS)


@pytest.mark.prefect
def test_the_task_worker_serves_its_runs_with_one_prefect_client(prefect_server, monkeypatch):
    """Every run's context is copied from the one `serve` is called in: a client open there is the runs' client
    (Prefect's engine opens one per run otherwise)."""
    import contextvars

    from prefect.client.orchestration import get_client
    from prefect.context import SyncClientContext

    from tasks import worker

    seen = []

    def serve(*tasks):
        context = contextvars.copy_context()  # as the worker's threads get it
        seen.append(context.run(lambda: (SyncClientContext.get(), get_client(sync_client=True))))

    monkeypatch.setattr(worker, "serve", serve)
    worker.main()
    [(context, client)] = seen
    assert context is not None and client is context.client


def test_the_task_worker_still_serves_when_prefect_is_out_of_reach_at_start(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tasks import worker

    served = []
    monkeypatch.setattr(worker, "serve", lambda *tasks: served.append(len(tasks)))
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        worker.main()
    assert served == [len(worker.BACKGROUND_TASKS)]


def test_background_processes_lower_their_cpu_priority_unless_told_not_to(monkeypatch):
    import tasks

    steps = []
    monkeypatch.setattr(os, "nice", steps.append)
    monkeypatch.delenv("ECS_BACKGROUND_NICE", raising=False)
    tasks.lower_priority()
    assert steps == [10]
    monkeypatch.setenv("ECS_BACKGROUND_NICE", "0")
    tasks.lower_priority()
    assert steps == [10]
    monkeypatch.setenv("ECS_BACKGROUND_NICE", "5")
    tasks.lower_priority()
    assert steps == [10, 5]
