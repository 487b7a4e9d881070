"""Incidents made directly on a bare process and failed job task (for pages and counts; the services tests fail
real steps)."""

from django.utils import timezone
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.incidents.models import Incident, IncidentEvent


def make_incident(node, *, case="ECS0000001 Jeff Jones", error="City & Guilds is unavailable.", tries=4, **fields):
    flow = node.flow_class
    process = Process.objects.create(flow_class=flow, status="NEW")
    task = Task.objects.create(process=process, flow_task=node, flow_task_type="JOB", status=STATUS.ERROR)
    incident = Incident.objects.create(
        task=task,
        process=process,
        flow_class=get_flow_ref(flow),
        flow_task=get_task_ref(node),
        step=str(node.task_title),
        case=case,
        error=error,
        tries=tries,
        opened_at=fields.pop("opened_at", timezone.now()),
        **fields,
    )
    IncidentEvent.objects.create(incident=incident, at=incident.opened_at, what=f"Failed after {tries} tries: {error}")
    return incident
