"""The automated steps of every process (workflows.common.nodes.Job), the sweep for stalled ones and the outbox's
clean-up."""

import os
from datetime import timedelta

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tasks import django_work, setup_django

# Seconds before each retry (backoff). Overridable for tests. No task time-out: the task worker runs tasks in
# threads, where Prefect cannot interrupt them; every adapter to an outside party sets its own HTTP time-outs.
RETRY_DELAYS = [int(s) for s in os.environ.get("ECS_JOB_RETRY_DELAYS", "5,30,120").split(",")]
RUN_NAME = "run-job:{ref}"
# Every background task is declared with cache_policy=NO_CACHE: a background run is never answered from a cache (a
# step runs once per hand-off, its idempotence is its own), and Prefect's default policy would hash the task's
# source and parameters and look up, then write, a result file for every run.


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
    cache_policy=NO_CACHE,
    on_failure=[_report_failure],
    log_prints=True,
)
def run_job(ref: str) -> bool:
    with django_work():
        from workflows.common.services import job_run

        return job_run(ref=ref)


class GroupFailed(Exception):
    """Some items of a group failed: the run retries them (and skips those already done)."""


def run_group(items: list, *, run, fail, what: str) -> dict[str, str]:
    """Run `run(item)` for each item of a group sharing one task run; log and return each item's outcome.

    A failing item does not stop the others; the run then fails, and Prefect retries it (items already done are
    skipped by their own idempotence). On the last try `fail(item, reason)` records each item still failing."""
    from prefect import get_run_logger
    from prefect.runtime import task_run

    logger = get_run_logger()
    last_try = task_run.run_count > len(RETRY_DELAYS)
    outcomes: dict[str, str] = {}
    failed: dict = {}
    with django_work():  # one database connection for the group; dropped after an item that failed
        from django.db import close_old_connections

        for item in items:
            try:
                outcomes[str(item)] = "done" if run(item) else "already done"
            except Exception as exc:  # noqa: BLE001 - this item's failure; the others go on
                failed[item] = exc
                outcomes[str(item)] = f"failed: {exc}"
                close_old_connections()
            logger.info("%s %s: %s", what, item, outcomes[str(item)])
    if failed:
        if last_try:
            for item, exc in failed.items():
                with django_work():
                    fail(item, str(exc) or exc.__class__.__name__)
        reasons = "; ".join(f"{item}: {exc}" for item, exc in failed.items())
        raise GroupFailed(f"{len(failed)} of {len(items)} failed: {reasons}")
    return outcomes


def group_run_name(parameter: str, prefix: str):
    def name() -> str:
        from prefect.runtime import task_run

        items = task_run.parameters.get(parameter) or []
        return f"{prefix}:{len(items)}:{items[0] if items else ''}"

    return name


def _job_run(ref: str) -> bool:
    from workflows.common.services import job_run

    return job_run(ref=ref)


def _job_fail(ref: str, reason: str) -> None:
    from prefect.runtime import task_run

    from workflows.common.services import job_fail

    # The incident counts the group's runs as the step's tries, as for a step run alone (run_job).
    job_fail(ref=ref, reason=reason, tries=task_run.run_count or len(RETRY_DELAYS) + 1)


@task(
    name="run-jobs",
    task_run_name=group_run_name("refs", "run-jobs"),
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    cache_policy=NO_CACHE,
    log_prints=True,
)
def run_jobs(refs: list[str]) -> dict[str, str]:
    """Several automated steps in one task run (the relay groups those waiting together): Prefect's cost per run is
    paid once for the group. Each step's outcome is logged and returned by reference; a failing step makes the run
    retry, and after the last retry it is marked failed on its case, where it waits as an incident for a person to
    run it again or send the case to its .OnError boundary's human task (see run_group)."""
    return run_group(refs, run=_job_run, fail=_job_fail, what="step")


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
