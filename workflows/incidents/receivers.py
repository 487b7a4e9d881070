"""The incidents app listens to failed automated steps, and to cases cancelled (their incidents are closed)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from workflows.common.signals import job_failed
from workflows.incidents.services import incident_open, incidents_close_for_cancelled_case


@receiver(job_failed, dispatch_uid="incidents.open")
def open_incident(sender, *, task, reason, tries, **kwargs):
    incident_open(task=task, reason=reason, tries=tries)


@receiver(post_save, dispatch_uid="incidents.case_cancelled")
def close_incidents_of_a_cancelled_case(sender, instance, raw: bool = False, **kwargs):
    """viewflow's cancel saves the process CANCELED (each flow's process class is a proxy of Process: any sender)."""
    if not raw and isinstance(instance, Process) and instance.status == PROCESS.CANCELED:
        incidents_close_for_cancelled_case(process_id=instance.pk)
