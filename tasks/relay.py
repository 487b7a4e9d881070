"""`python -m tasks.relay`: hands the jobs waiting in the outbox (portal.core.models.BackgroundJob) to Prefect.

Requests only record jobs; this loop hands them to the task worker in batches, each job exactly once even with
several relays (the batch is row-locked and skipped by the others). While Prefect is out of reach the jobs wait
and the relay tries again with a short backoff, so they go as soon as Prefect answers.

Automated steps (and notifications) waiting together go to Prefect as one task run for several of them: Prefect's
cost per task run (~0.2 CPU-s across the worker and the server, measured) is paid once per group instead of once per
step. A batch's groups are evenly sized (about ECS_JOB_BATCH each, a share for each of ECS_TASK_WORKERS workers);
when the queue is deep (more than ECS_RUNS_PER_WORKER runs a worker) the groups grow, up to ECS_JOB_BATCH_MAX, so
that fewer runs carry the burst. The batch's task runs are created concurrently. Each step's outcome stays visible
in the run's log and result, a failing step makes the run retry, and after the last retry it goes to a person.
"""

import asyncio
import contextlib
import logging
import math
import os
import select
import signal
import threading
import time

from tasks import lower_priority, setup_django

setup_django()

from portal.contracts.services import EMAIL_KIND as CONTRACT_EMAIL_KIND  # noqa: E402
from portal.core.models import BackgroundJob  # noqa: E402
from portal.core.selectors import background_jobs_waiting  # noqa: E402
from portal.core.services import (  # noqa: E402
    RELAY_CHANNEL,
    background_jobs_hand,
    background_jobs_hand_batches,
)
from portal.notifications.services import SEND_KIND  # noqa: E402
from tasks.contracts import send_contract_email  # noqa: E402
from tasks.documents import read_document  # noqa: E402
from tasks.jobs import run_job, run_jobs  # noqa: E402
from tasks.notifications import send_notification, send_notifications  # noqa: E402
from workflows.common.nodes import JOB_KIND  # noqa: E402

logger = logging.getLogger("tasks.relay")

# Each outbox kind: its Prefect task and the task's parameters for a job's reference.
HAND_OFFS = {
    JOB_KIND: lambda ref: (run_job, {"ref": ref}),
    "read_document": lambda ref: (read_document, {"document_id": int(ref)}),
    SEND_KIND: lambda ref: (send_notification, {"notification_id": int(ref)}),
    CONTRACT_EMAIL_KIND: lambda ref: (send_contract_email, {"ref": ref}),
}
# Kinds whose waiting jobs may share one task run: the task and its parameters for the jobs' references.
GROUP_HAND_OFFS = {
    JOB_KIND: lambda refs: (run_jobs, {"refs": refs}),
    SEND_KIND: lambda refs: (send_notifications, {"notification_ids": [int(ref) for ref in refs]}),
}
BATCH = int(os.environ.get("ECS_RELAY_BATCH", "500"))
# Automated steps in one task run (1: one run per step): about JOB_BATCH, up to JOB_BATCH_MAX when the queue is
# deep; the task workers to spread a burst over, and the runs a worker is given at once before groups grow.
JOB_BATCH = int(os.environ.get("ECS_JOB_BATCH", "20"))
JOB_BATCH_MAX = int(os.environ.get("ECS_JOB_BATCH_MAX", "50"))
TASK_WORKERS = int(os.environ.get("ECS_TASK_WORKERS", "2"))
RUNS_PER_WORKER = int(os.environ.get("ECS_RUNS_PER_WORKER", "4"))
# Task runs created at once (each is an HTTP request to the Prefect server, and a file of parameters).
CONCURRENT_HAND_OFFS = 8
# How often an idle relay looks for new jobs, and the longest wait between tries while Prefect is down.
POLL_SECONDS = float(os.environ.get("ECS_RELAY_POLL_SECONDS", "0.1"))
MAX_BACKOFF_SECONDS = float(os.environ.get("ECS_RELAY_MAX_BACKOFF_SECONDS", "5"))
HAND_OFF_TIMEOUT_SECONDS = 30


class PrefectHandOff:
    """Creates each job's background task run (what `task.delay()` does) through one Prefect client kept open on
    its own event loop, instead of a new client, connection and handshake per job. A failure drops the client; the
    next job opens a new one."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client = None
        self.stores: dict = {}  # each task's store for its runs' parameters

    def __call__(self, job: BackgroundJob) -> None:
        task, parameters = HAND_OFFS[job.kind](job.ref)
        self._create(task, parameters)

    def groups(self, groups: list[tuple[str, list[BackgroundJob]]]) -> list[str]:
        """Hand each group of jobs of one kind (one task run for a group when the kind allows it, else one run a
        job), the task runs created concurrently; returns for each group "" when it was handed, or why not."""
        runs = []
        for kind, jobs in groups:
            if kind in GROUP_HAND_OFFS and len(jobs) > 1:
                runs.append([GROUP_HAND_OFFS[kind]([job.ref for job in jobs])])
            else:
                runs.append([HAND_OFFS[job.kind](job.ref) for job in jobs])
        if self.client is None:
            self._open()
        created = self._create_all(runs)
        # Each run has HAND_OFF_TIMEOUT_SECONDS (a run not created in time leaves its group waiting); the whole
        # batch, as many of those as it takes CONCURRENT_HAND_OFFS at a time, and a margin.
        waves = math.ceil(sum(len(calls) for calls in runs) / CONCURRENT_HAND_OFFS) + 1
        try:
            outcomes = asyncio.run_coroutine_threadsafe(created, self.loop).result(
                timeout=HAND_OFF_TIMEOUT_SECONDS * waves
            )
        except BaseException:
            self.close()
            raise
        errors = [str(o) or o.__class__.__name__ if isinstance(o, BaseException) else "" for o in outcomes]
        if any(errors):
            self.close()  # the next batch opens a new client
        return errors

    async def _create_all(self, runs: list[list[tuple]]) -> list:
        limit = asyncio.Semaphore(CONCURRENT_HAND_OFFS)

        async def create(task, parameters):
            async with limit:
                await asyncio.wait_for(self._create_run(task, parameters), HAND_OFF_TIMEOUT_SECONDS)

        async def group(calls):
            for task, parameters in calls:  # a group's own runs one after another: all or, on failure, stop
                await create(task, parameters)

        return await asyncio.gather(*(group(calls) for calls in runs), return_exceptions=True)

    def _create(self, task, parameters: dict) -> None:
        if self.client is None:
            self._open()
        created = self._create_run(task, parameters)
        try:
            asyncio.run_coroutine_threadsafe(created, self.loop).result(timeout=HAND_OFF_TIMEOUT_SECONDS)
        except BaseException:
            self.close()
            raise

    async def _create_run(self, task, parameters: dict):
        """A background task run, as `task.create_run(parameters=..., deferred=True)` creates it (its parameters in
        Prefect's task scheduling storage, then a Scheduled run), without the relay's Prefect context in the
        parameters: Prefect serialises its whole settings context for every run (~22 ms CPU) and the task worker
        rebuilds it, and opens another API client for it, before every run. The worker has its own settings."""
        from uuid import uuid4

        from prefect.states import Scheduled
        from prefect.task_worker import store_parameters

        store = self.stores.get(task.task_key)
        if store is None:
            from prefect.results import ResultStore, get_or_create_default_task_scheduling_storage

            storage = await get_or_create_default_task_scheduling_storage()
            store = self.stores[task.task_key] = await ResultStore(result_storage=storage).aupdate_for_task(task)
        parameters_id = uuid4()
        state = Scheduled()
        state.state_details.deferred = True
        state.state_details.task_parameters_id = parameters_id
        await store_parameters(store, parameters_id, {"parameters": parameters, "context": {}})
        return await self.client.create_task_run(
            task=task,
            name=task.name,
            flow_run_id=None,
            dynamic_key=f"{task.task_key}-{uuid4().hex}",
            state=state,
            task_inputs={name: [] for name in parameters},
        )

    def _open(self) -> None:
        from prefect.client.orchestration import get_client

        async def enter():
            client = get_client()
            await client.__aenter__()
            return client

        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="prefect-hand-off", daemon=True).start()
        try:
            self.client = asyncio.run_coroutine_threadsafe(enter(), self.loop).result(timeout=HAND_OFF_TIMEOUT_SECONDS)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        loop, client = self.loop, self.client
        self.loop = self.client = None
        if loop is None:
            return
        if client is not None:
            with contextlib.suppress(Exception):
                exit_ = client.__aexit__(None, None, None)
                asyncio.run_coroutine_threadsafe(exit_, loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)


class OutboxListener:
    """Wakes the idle relay as soon as a job is recorded: LISTEN on a PostgreSQL connection of its own (the request
    sends a NOTIFY after its commit, portal.core.services.background_job_enqueue). Elsewhere (SQLite), or while that
    connection is down, the relay only polls; it polls anyway, so a notification missed costs one poll interval."""

    RETRY_SECONDS = 5.0

    def __init__(self):
        self.conn = None
        self.failed_at: float | None = None

    def wait(self, stop: threading.Event, timeout: float) -> None:
        """Until a job is recorded, `stop` is set (seen within `timeout`) or `timeout` has passed."""
        conn = self._connection()
        if conn is None:
            stop.wait(timeout)
            return
        try:
            if not conn.notifies:
                select.select([conn], [], [], timeout)
            conn.poll()
            conn.notifies.clear()
        except Exception:  # noqa: BLE001 - the connection broke: poll until a new one listens
            logger.warning("The relay stopped listening for new jobs; it polls", exc_info=True)
            self.close()
            self.failed_at = time.monotonic()
            stop.wait(timeout)

    def _connection(self):
        from django.db import connection

        if self.conn is not None or connection.vendor != "postgresql":
            return self.conn
        if self.failed_at is not None and time.monotonic() - self.failed_at < self.RETRY_SECONDS:
            return None
        try:
            conn = connection.Database.connect(**connection.get_connection_params())  # psycopg2, as Django's
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(f"LISTEN {RELAY_CHANNEL}")
        except Exception:  # noqa: BLE001 - the database is out of reach: poll, try again later
            self.failed_at = time.monotonic()
            return None
        self.conn, self.failed_at = conn, None
        return conn

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def relay_once(*, hand, limit: int = BATCH):
    """One batch: returns portal.core.services.Handed (how many were handed, and why it stopped early).

    `hand` takes one job; a PrefectHandOff hands jobs of a kind that allows it in groups."""
    if isinstance(hand, PrefectHandOff):
        return background_jobs_hand_batches(hand=hand.groups, group_sizes=group_sizes, limit=limit)
    return background_jobs_hand(hand=hand, limit=limit)


def group_sizes(kind: str, waiting: int) -> list[int]:
    """How `waiting` jobs of `kind` are split into task runs: evenly, in about JOB_BATCH a run, the number of runs
    a multiple of the task workers (each gets its share of a burst). A deep queue (more than RUNS_PER_WORKER runs
    a worker) goes in larger runs, up to JOB_BATCH_MAX: fewer runs to create, set up and run side by side. Kinds
    that do not group (documents: seconds of OCR each) and JOB_BATCH 1 go one job a run."""
    if waiting <= 0:
        return []
    if kind not in GROUP_HAND_OFFS or JOB_BATCH <= 1:
        return [1] * waiting
    workers = max(1, TASK_WORKERS)
    runs = math.ceil(waiting / JOB_BATCH)
    if runs > workers * RUNS_PER_WORKER:
        runs = max(workers * RUNS_PER_WORKER, math.ceil(waiting / max(JOB_BATCH, JOB_BATCH_MAX)))
    runs = min(waiting, math.ceil(runs / workers) * workers)
    size, larger = divmod(waiting, runs)
    return [size + (1 if i < larger else 0) for i in range(runs)]


def relay_forever(stop: threading.Event, *, hand=None, poll: float = POLL_SECONDS) -> None:
    """Hand waiting jobs until `stop` is set: at once while there are more, every `poll` seconds when idle."""

    prefect = None
    if hand is None:
        hand = prefect = PrefectHandOff()
    listener = OutboxListener()
    try:
        _loop(stop, hand=hand, poll=poll, listener=listener)
    finally:
        listener.close()
        if prefect is not None:
            prefect.close()


def _loop(stop: threading.Event, *, hand, poll: float, listener: OutboxListener) -> None:
    from django.db import close_old_connections

    backoff = poll
    while not stop.is_set():
        try:
            if not background_jobs_waiting():  # idle: a look at the index, no batch claimed
                listener.wait(stop, poll)  # woken by a job recorded, else the next look after `poll`
                continue
            handed = relay_once(hand=hand)
        except Exception:  # the database is out of reach: try again, the jobs are safe in it
            logger.exception("The relay could not read the outbox")
            handed = None
            close_old_connections()
        if handed is not None and not handed.error:
            backoff = poll
            if handed.count >= BATCH:
                continue
        else:
            backoff = min(max(backoff * 2, poll), MAX_BACKOFF_SECONDS)
        stop.wait(backoff)


def main() -> None:
    lower_priority()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logger.warning("Handing background jobs to Prefect (every %s s when idle)", POLL_SECONDS)
    relay_forever(stop)


if __name__ == "__main__":
    main()
