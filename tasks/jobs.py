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
    """After the last retry: mark the flow step failed, so that its .OnError boundary hands it to a person."""
    with django_work():
        from workflows.common.services import job_fail

        exc = state.result(raise_on_failure=False)
        reason = str(exc) if isinstance(exc, BaseException) else (state.message or "The automated step failed.")
        job_fail(ref=_ref(task_run), reason=reason)


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


class JobsFailed(Exception):
    """Some automated steps of a group failed: the run retries them (and skips those already done)."""


def _group_name() -> str:
    from prefect.runtime import task_run

    refs = task_run.parameters.get("refs") or []
    return f"run-jobs:{len(refs)}:{refs[0] if refs else ''}"


@task(
    name="run-jobs",
    task_run_name=_group_name,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    log_prints=True,
)
def run_jobs(refs: list[str]) -> dict[str, str]:
    """Several automated steps in one task run (the relay groups those waiting together): Prefect's cost per run is
    paid once for the group. Each step's outcome is logged and returned by reference. A step that fails makes the
    run fail and retry (steps already done are skipped: completion is idempotent); after the last retry each step
    still failing is marked failed on its case, so that its .OnError boundary hands it to a person."""
    from prefect import get_run_logger
    from prefect.runtime import task_run

    logger = get_run_logger()
    last_try = task_run.run_count > len(RETRY_DELAYS)
    outcomes: dict[str, str] = {}
    failed: dict[str, BaseException] = {}
    for ref in refs:
        with django_work():
            from workflows.common.services import job_run

            try:
                outcomes[ref] = "done" if job_run(ref=ref) else "already finished"
            except Exception as exc:  # noqa: BLE001 - this step's failure; the others go on
                failed[ref] = exc
                outcomes[ref] = f"failed: {exc}"
        logger.info("%s: %s", ref, outcomes[ref])
    if failed:
        if last_try:
            with django_work():
                from workflows.common.services import job_fail

                for ref, exc in failed.items():
                    job_fail(ref=ref, reason=str(exc) or exc.__class__.__name__)
        reasons = "; ".join(f"{ref}: {exc}" for ref, exc in failed.items())
        raise JobsFailed(f"{len(failed)} of {len(refs)} steps failed: {reasons}")
    return outcomes


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
