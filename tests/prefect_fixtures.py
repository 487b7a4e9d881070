"""One Prefect test server per session, and a task worker serving the background tasks in a thread."""

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

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def prefect_worker(prefect_server, django_db_serialized_rollback, transactional_db, settings):
    """Serves tasks.worker's background tasks for the test in a thread, as `python -m tasks.worker` does."""
    from prefect.task_worker import TaskWorker

    from tasks.worker import BACKGROUND_TASKS

    settings.ECS_RUN_JOBS_INLINE = False
    running = {}
    ready = threading.Event()

    async def serve():
        running["loop"] = asyncio.get_running_loop()
        running["task"] = asyncio.current_task()
        ready.set()
        await TaskWorker(*BACKGROUND_TASKS).start(timeout=180)

    def run():
        with contextlib.suppress(asyncio.CancelledError):  # how the test stops it
            asyncio.run(serve())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield
    running["loop"].call_soon_threadsafe(running["task"].cancel)
    thread.join(10)
