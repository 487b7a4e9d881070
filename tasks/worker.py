"""`python -m tasks.worker`: the Prefect task worker that runs the background tasks flow steps hand over."""

from tasks import setup_django

setup_django()

from prefect.task_worker import serve  # noqa: E402

from tasks.documents import read_document  # noqa: E402
from tasks.jobs import run_job  # noqa: E402

BACKGROUND_TASKS = [run_job, read_document]

if __name__ == "__main__":
    from datetime import timedelta

    from portal.applications.services import application_documents_resubmit_stalled
    from workflows.common.services import jobs_resubmit_stalled

    # Jobs that waited while no worker ran (a restart, or demo data loaded before Prefect started).
    jobs_resubmit_stalled(older_than=timedelta(0))
    # Documents still being read when the last worker stopped.
    application_documents_resubmit_stalled(older_than=timedelta(0))
    serve(*BACKGROUND_TASKS)
