"""`python -m tasks.worker`: the Prefect task worker that runs the background tasks `tasks.relay` hands over."""

from tasks import setup_django

setup_django()

from prefect.task_worker import serve  # noqa: E402

from tasks.contracts import send_contract_email  # noqa: E402
from tasks.documents import read_document  # noqa: E402
from tasks.jobs import run_job, run_jobs  # noqa: E402
from tasks.notifications import send_notification, send_notifications  # noqa: E402

BACKGROUND_TASKS = [run_job, run_jobs, read_document, send_notification, send_notifications, send_contract_email]

if __name__ == "__main__":
    # Jobs recorded while no worker ran wait in the outbox; the relay hands them over once Prefect answers.
    serve(*BACKGROUND_TASKS)
