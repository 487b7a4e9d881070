"""One Prefect test server and one task worker per session; the outbox relay runs during each Prefect test.

The worker runs in a thread of this process, so it shares the test's settings; its tasks open their own database
connections, which see what transactional tests commit. The relay runs only while a Prefect test runs, so jobs
that other tests record are never handed over behind their back."""

import asyncio
import contextlib
import os
import threading

import pytest

# Short backoff for the automated steps under test (read when tasks.jobs is imported).
os.environ.setdefault("ECS_JOB_RETRY_DELAYS", "0,1")


@pytest.fixture(scope="session")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def prefect_task_worker(prefect_server, django_db_setup):
    """Serves tasks.worker's background tasks for the whole session in a thread, as `python -m tasks.worker` does."""
    from prefect.task_worker import TaskWorker

    from tasks.worker import BACKGROUND_TASKS

    running = {}
    ready = threading.Event()

    async def serve():
        running["loop"] = asyncio.get_running_loop()
        running["task"] = asyncio.current_task()
        ready.set()
        await TaskWorker(*BACKGROUND_TASKS).astart()

    def run():
        with contextlib.suppress(asyncio.CancelledError):  # how the session stops it
            asyncio.run(serve())

    thread = threading.Thread(target=run, name="prefect-task-worker", daemon=True)
    thread.start()
    assert ready.wait(10), "the Prefect task worker did not start"
    yield
    running["loop"].call_soon_threadsafe(running["task"].cancel)
    thread.join(10)


@pytest.fixture
def prefect_worker(prefect_task_worker, django_db_serialized_rollback, transactional_db, settings):
    """The session's task worker, and the outbox relay handing this test's jobs to it."""
    from django.db import connections

    from tasks.relay import relay_forever

    settings.ECS_RUN_JOBS_INLINE = False
    stop = threading.Event()

    def relay():
        try:
            relay_forever(stop, poll=0.05)
        finally:
            connections.close_all()  # this thread's connection, so that the test's flush is not kept waiting

    thread = threading.Thread(target=relay, name="outbox-relay", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(10)
