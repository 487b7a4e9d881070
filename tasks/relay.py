"""`python -m tasks.relay`: hands the jobs waiting in the outbox (portal.core.models.BackgroundJob) to Prefect.

Requests only record jobs; this loop hands them to the task worker in batches, each job exactly once even with
several relays (the batch is row-locked and skipped by the others). While Prefect is out of reach the jobs wait
and the relay tries again with a short backoff, so they go as soon as Prefect answers.
"""

import logging
import os
import signal
import threading

from tasks import setup_django

setup_django()

from portal.core.models import BackgroundJob  # noqa: E402
from portal.core.services import background_jobs_hand  # noqa: E402
from tasks.documents import read_document  # noqa: E402
from tasks.jobs import run_job  # noqa: E402
from workflows.common.nodes import JOB_KIND  # noqa: E402

logger = logging.getLogger("tasks.relay")

# Each outbox kind and how it is handed to its Prefect task.
HAND_OFFS = {
    JOB_KIND: lambda ref: run_job.delay(ref),
    "read_document": lambda ref: read_document.delay(int(ref)),
}
BATCH = int(os.environ.get("ECS_RELAY_BATCH", "100"))
# How often an idle relay looks for new jobs, and the longest wait between tries while Prefect is down.
POLL_SECONDS = float(os.environ.get("ECS_RELAY_POLL_SECONDS", "0.1"))
MAX_BACKOFF_SECONDS = float(os.environ.get("ECS_RELAY_MAX_BACKOFF_SECONDS", "5"))


def hand_to_prefect(job: BackgroundJob) -> None:
    HAND_OFFS[job.kind](job.ref)


def relay_once(*, hand=hand_to_prefect, limit: int = BATCH):
    """One batch: returns portal.core.services.Handed (how many were handed, and why it stopped early)."""
    return background_jobs_hand(hand=hand, limit=limit)


def relay_forever(stop: threading.Event, *, hand=hand_to_prefect, poll: float = POLL_SECONDS) -> None:
    """Hand waiting jobs until `stop` is set: at once while there are more, every `poll` seconds when idle."""
    from django.db import close_old_connections

    backoff = poll
    while not stop.is_set():
        try:
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
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logger.warning("Handing background jobs to Prefect (every %s s when idle)", POLL_SECONDS)
    relay_forever(stop)


if __name__ == "__main__":
    main()
