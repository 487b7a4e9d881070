"""Opening incidents when an automated step fails for good, and the two ways a person resolves one."""

import logging

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.fields import get_flow_ref, get_task_ref, import_flow_by_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts.models import User
from workflows.common.services import job_escalate, job_retry
from workflows.incidents.models import Incident, IncidentEvent

logger = logging.getLogger(__name__)

Resolution = Incident.Resolution


class IncidentError(Exception):
    """The incident cannot be acted on (already resolved, or the case moved on); the message says why."""


def _hook(flow_class, name: str, process) -> None:
    """A flow may tell its domain what is happening (the employer's page says it in words): an optional method of
    the flow, `automated_step_failed` / `automated_step_retried` / `automated_step_sent_to_manual(process)`."""
    hook = getattr(flow_class.instance, name, None)
    if hook is None:
        return
    try:
        with transaction.atomic():  # a savepoint: what the domain could not record does not undo the incident
            hook(process.coerced)
    except Exception:
        logger.exception("%s.%s failed for process %s", flow_class.__name__, name, process.pk)


def _case_label(task: Task) -> str:
    try:
        label = " ".join((task.process.coerced.brief or "").split())
    except Exception:  # a case whose summary cannot be drawn is still listed
        logger.exception("No summary for process %s", task.process_id)
        label = ""
    return label or str(task.process)


@transaction.atomic
def incident_open(*, task: Task, reason: str, tries: int = 1) -> Incident:
    """Record that the automated step `task` failed after `tries` runs (in the failing transaction)."""
    flow_class = task.flow_task.flow_class
    earlier = Incident.objects.filter(task=task).order_by("-opened_at", "-pk").values_list("tries", flat=True).first()
    now = timezone.now()
    incident = Incident.objects.create(
        task=task,
        process_id=task.process_id,
        flow_class=get_flow_ref(flow_class),
        flow_task=get_task_ref(task.flow_task),
        step=str(task.flow_task.task_title or task.flow_task.name),
        case=_case_label(task)[:300],
        error=reason or "The automated step failed without saying why.",
        tries=(earlier or 0) + max(tries, 1),
        opened_at=now,
    )
    IncidentEvent.objects.create(
        incident=incident, at=now, what=f"Failed after {tries} tr{'y' if tries == 1 else 'ies'}: {incident.error}"
    )
    _hook(flow_class, "automated_step_failed", task.process)
    return incident


def _resolve(incident_id: int, *, actor: User, act) -> Incident:
    incident = Incident.objects.only("flow_class", "process_id").get(pk=incident_id)
    flow_class = import_flow_by_ref(incident.flow_class)
    with flow_class.lock(incident.process_id):
        incident = Incident.objects.select_for_update().select_related("task").get(pk=incident_id)
        if not incident.is_open:
            raise IncidentError(
                f"This incident was already resolved ({incident.get_resolution_display().lower()}) on "
                f"{timezone.localtime(incident.resolved_at):%d %b %Y %H:%M}."
            )
        now = timezone.now()
        moved_on = incident.task.status != STATUS.ERROR
        if moved_on:  # closed, and the person told (after the commit)
            resolution, what, actor = Resolution.CASE_MOVED_ON, "Closed: the case had moved on.", None
        else:
            resolution, what = act(incident)
        incident.resolved_at, incident.resolution, incident.resolved_by = now, resolution, actor
        incident.save(update_fields=["resolved_at", "resolution", "resolved_by"])
        IncidentEvent.objects.create(incident=incident, at=now, actor=actor, what=what)
    if moved_on:
        raise IncidentError("The case has moved on since this step failed (it was withdrawn or cancelled).")
    return incident


def incident_retry(*, incident: Incident, actor: User) -> Incident:
    """Run the failed step again through the outbox (Prefect retries it as the first time). If it fails again,
    a new incident opens."""

    def act(incident):
        job_retry(task=incident.task)
        _hook(import_flow_by_ref(incident.flow_class), "automated_step_retried", incident.task.process)
        return Resolution.RETRIED, "Run again."

    return _resolve(incident.pk, actor=actor, act=act)


def incident_send_to_manual(*, incident: Incident, actor: User) -> Incident:
    """Give the case to the human task of the step's error boundary, where the check is done by hand."""

    def act(incident):
        job_escalate(task=incident.task)
        _hook(import_flow_by_ref(incident.flow_class), "automated_step_sent_to_manual", incident.task.process)
        return Resolution.SENT_TO_MANUAL, "Sent to manual checking."

    return _resolve(incident.pk, actor=actor, act=act)


@transaction.atomic
def incidents_close_for_cancelled_case(*, process_id: int) -> int:
    """The case was cancelled (withdrawn by the employer, or cancelled in the back office): its open incidents are
    closed as "the case moved on", each with an event, so that nobody is asked to act on them. Returns how many."""
    now = timezone.now()
    incidents = list(
        Incident.objects.select_for_update().filter(process_id=process_id, resolved_at__isnull=True).order_by("pk")
    )
    for incident in incidents:
        incident.resolved_at, incident.resolution = now, Resolution.CASE_MOVED_ON
        incident.save(update_fields=["resolved_at", "resolution"])
    IncidentEvent.objects.bulk_create(
        IncidentEvent(incident=incident, at=now, what="Closed: the case was cancelled.") for incident in incidents
    )
    return len(incidents)
