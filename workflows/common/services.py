"""Running, completing and failing automated flow steps (see workflows.common.nodes.Job)."""

import logging
from datetime import timedelta

from django.utils import timezone
from viewflow.workflow.fields import import_flow_by_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.core.models import BackgroundJob
from portal.core.services import background_job_enqueue
from workflows.common.nodes import JOB_KIND, Job
from workflows.common.signals import job_failed

logger = logging.getLogger(__name__)

WAITING = (STATUS.SCHEDULED, STATUS.STARTED)


def _split(ref: str):
    flow_ref, process_pk, task_pk = ref.rsplit("/", 2)
    return import_flow_by_ref(flow_ref), int(process_pk), int(task_pk)


def job_submit(*, ref: str) -> None:
    """Record the job in the outbox, in the current transaction; the relay hands it to Prefect after the commit."""
    background_job_enqueue(kind=JOB_KIND, ref=ref)


def job_run(*, ref: str) -> bool:
    """Do the job's work and complete its task. Raises when the work fails (Prefect then retries).

    Returns False, doing nothing, when the task is no longer waiting (a repeated or late delivery)."""
    flow_class, process_pk, task_pk = _split(ref)
    task = flow_class.task_class.objects.select_related("process").get(pk=task_pk)
    if task.status not in WAITING:
        return False
    node = task.flow_task
    if not isinstance(node, Job):
        raise ValueError(f"{ref} is not an automated step.")
    # The work runs outside the process lock (it may wait on outside services); only the completion is locked.
    result = node.work(process=task.process.coerced, task=task)
    return job_complete(ref=ref, result=result or {})


def job_complete(*, ref: str, result: dict) -> bool:
    """Record the result and move the flow on. A task that is no longer waiting is left as it is."""
    flow_class, process_pk, task_pk = _split(ref)
    with flow_class.lock(process_pk):
        task = flow_class.task_class.objects.select_related("process").get(pk=task_pk)
        if task.status not in WAITING:
            logger.info("Job %s reported again after it finished; ignored", ref)
            return False
        activation = task.flow_task.activation_class(task)
        # The result is saved with the task's start (or, when it had started, with its completion).
        task.data = {**(task.data or {}), "result": result}
        if task.status == STATUS.SCHEDULED:
            activation.start()
        activation.execute()
    return True


def job_fail(*, ref: str, reason: str, tries: int = 1) -> bool:
    """Mark the task failed after `tries` runs: it waits as an incident (workflows.incidents) until a person
    runs it again (`job_retry`) or sends the case to its .OnError boundary's human task (`job_escalate`)."""
    flow_class, process_pk, task_pk = _split(ref)
    with flow_class.lock(process_pk):
        task = flow_class.task_class.objects.get(pk=task_pk)
        if task.status not in WAITING:
            return False
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.SCHEDULED:
            activation.start()
        activation.halt(reason or "The automated step failed without saying why.")
        job_failed.send(sender=flow_class, task=task, reason=reason, tries=tries)
    return True


def job_retry(*, task: Task) -> None:
    """Run a failed automated step again (under the process lock the caller holds)."""
    task.flow_task.activation_class(task).retry()


def job_escalate(*, task: Task) -> None:
    """Hand a failed automated step's case to the person its .OnError boundary names (under the process lock)."""
    task.flow_task.activation_class(task).escalate()


class JobFailed(Exception):
    """The automated work failed after its retries; the message says why, for the case worker."""


def job_failure_reason(*, task: Task) -> str:
    """Why an automated step failed, from the failed task's data (for the person who takes the case over)."""
    return ((task.data or {}).get("_exception") or {}).get("title", "")


def jobs_stalled(*, older_than: timedelta) -> list[str]:
    """References of automated steps handed over and still waiting for a report after `older_than` (a worker died).

    A job still waiting in the outbox (Prefect out of reach) is not stalled: the relay hands it over."""
    cutoff = timezone.now() - older_than
    queued = set(BackgroundJob.objects.filter(kind=JOB_KIND, handed_at__isnull=True).values_list("ref", flat=True))
    refs = []
    for task in Task.objects.filter(status__in=WAITING, created__lt=cutoff).select_related("process"):
        node = task.flow_task
        if isinstance(node, Job):
            ref = node.activation_class(task).ref()
            if ref not in queued:
                refs.append(ref)
    return refs


def jobs_resubmit_stalled(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Record again every automated step handed over but still unfinished after `older_than` (a worker died)."""
    refs = jobs_stalled(older_than=older_than)
    for ref in refs:
        logger.warning("Job %s has had no report for %s; handing it over again", ref, older_than)
        job_submit(ref=ref)
    return len(refs)
