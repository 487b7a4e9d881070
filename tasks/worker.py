"""`python -m tasks.worker`: the Prefect task worker that runs the background tasks `tasks.relay` hands over."""

import os
import sys

from tasks import setup_django

setup_django()

from prefect.task_worker import serve  # noqa: E402

from tasks.contracts import send_contract_email  # noqa: E402
from tasks.documents import read_document  # noqa: E402
from tasks.jobs import run_job, run_jobs  # noqa: E402
from tasks.notifications import send_notification, send_notifications  # noqa: E402

BACKGROUND_TASKS = [run_job, run_jobs, read_document, send_notification, send_notifications, send_contract_email]

# Runs share the worker's threads, and an automated step mostly waits on its database round trips: a thread that
# comes back from one waits for the interpreter lock until the running thread gives it up (every 5 ms by default),
# which made each round trip cost 5 ms more for every other run in progress, and delayed picking up new runs.
SWITCH_INTERVAL_SECONDS = float(os.environ.get("ECS_WORKER_SWITCH_INTERVAL_SECONDS", "0.001"))

if __name__ == "__main__":
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    # Jobs recorded while no worker ran wait in the outbox; the relay hands them over once Prefect answers.
    serve(*BACKGROUND_TASKS)
