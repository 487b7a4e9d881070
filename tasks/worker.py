"""`python -m tasks.worker`: the Prefect task worker that runs the background tasks `tasks.relay` hands over.

One Prefect API client for the worker's life: Prefect's engine opens a new one for every task run (an HTTP client
with its SSL context, ~30 ms CPU) unless one is open in the run's context, and each run's context is copied from
the context `serve` was called in. The client is shared by the worker's threads (httpx clients are thread-safe).
The worker runs ECS_BACKGROUND_NICE (10) steps below the web's CPU priority (see tasks.lower_priority)."""

import contextlib
import logging

from tasks import lower_priority, setup_django

setup_django()

from prefect.task_worker import serve  # noqa: E402

from tasks.contracts import send_contract_email  # noqa: E402
from tasks.documents import read_document  # noqa: E402
from tasks.jobs import run_job, run_jobs  # noqa: E402
from tasks.notifications import send_notification, send_notifications  # noqa: E402

logger = logging.getLogger("tasks.worker")

BACKGROUND_TASKS = [run_job, run_jobs, read_document, send_notification, send_notifications, send_contract_email]


def main() -> None:
    lower_priority()
    with shared_client():
        # Jobs recorded while no worker ran wait in the outbox; the relay hands them over once Prefect answers.
        serve(*BACKGROUND_TASKS)


@contextlib.contextmanager
def shared_client():
    """The runs' one Prefect client (see above). Prefect out of reach at start: none, each run opens its own."""
    from prefect.context import SyncClientContext

    try:
        context = SyncClientContext()
        context.__enter__()
    except Exception:  # noqa: BLE001 - the worker still serves; Prefect's engine opens a client per run
        logger.warning("No shared Prefect client (Prefect out of reach?): each task run opens its own", exc_info=True)
        yield None
        return
    try:
        yield context
    finally:
        context.__exit__(None, None, None)


if __name__ == "__main__":
    main()
