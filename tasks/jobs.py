"""The automated steps of every process (workflows.common.nodes.Job), the sweep for stalled ones and the outbox's
clean-up."""

import os
from datetime import timedelta

from prefect import flow, task

from tasks import django_work, setup_django

# Seconds before each retry (backoff). Overridable for tests. No task time-out: the task worker runs tasks in
# threads, where Prefect cannot interrupt them; every adapter to an outside party sets its own HTTP time-outs.
RETRY_DELAYS = [int(s) for s in os.environ.get("ECS_JOB_RETRY_DELAYS", "5,30,120").split(",")]
RUN_NAME = "run-job:{ref}"


def _ref(task_run) -> str:
    # Prefect's hooks get the task run without its parameters: the run's name carries the job's reference.
    return task_run.name.split(":", 1)[1]


def _report_failure(task, task_run, state) -> None:
    """After the last retry: mark the flow step failed; it waits as an incident for a person to retry it or send the
    case to its .OnError boundary's human task."""
    with django_work():
        from workflows.common.services import job_fail

        exc = state.result(raise_on_failure=False)
        reason = str(exc) if isinstance(exc, BaseException) else (state.message or "The automated step failed.")
        job_fail(ref=_ref(task_run), reason=reason, tries=getattr(task_run, "run_count", 0) or len(RETRY_DELAYS) + 1)


@task(
    name="run-job",
    task_run_name=RUN_NAME,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    on_failure=[_report_failure],
    log_prints=True,
)
def run_job(ref: str) -> bool:
    with django_work():
        from workflows.common.services import job_run

        return job_run(ref=ref)


@flow(name="sweep-stalled-jobs")
def sweep_stalled_jobs(minutes: int = 10) -> int:
    """Hand over again every automated step that has waited too long with no report (a worker died)."""
    setup_django()
    from workflows.common.services import jobs_resubmit_stalled

    return jobs_resubmit_stalled(older_than=timedelta(minutes=minutes))


@flow(name="purge-handed-jobs")
def purge_handed_jobs(days: int = 30) -> int:
    """Delete outbox rows handed over more than `days` ago."""
    setup_django()
    from portal.core.services import background_jobs_purge

    return background_jobs_purge(older_than=timedelta(days=days))
