"""Reads of the licence process."""

from viewflow.workflow.base import Node
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.licensing.models import LicenceApplication
from workflows.common.services import job_failure_reason

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def licence_open_task(*, application: LicenceApplication, step: Node) -> Task | None:
    """The open task of this application's licence process at `step` (a node of LicenceFlow), if there is one."""
    return (
        Task.objects.filter(
            process__flow_class=step.flow_class,
            process__artifact_object_id=application.pk,
            flow_task=step,
            status__in=OPEN,
        )
        .order_by("-pk")
        .first()
    )


def licence_checks_failure_reason(*, process) -> str:
    """Why the automated checks of this process failed (for the person who checks by hand), or ""."""
    failed = process.task_set.filter(flow_task_type="JOB", data___exception__isnull=False).order_by("-pk").first()
    return job_failure_reason(task=failed) if failed else ""
