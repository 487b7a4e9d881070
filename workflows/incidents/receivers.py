"""The incidents app listens to failed automated steps."""

from django.dispatch import receiver

from workflows.common.signals import job_failed
from workflows.incidents.services import incident_open


@receiver(job_failed, dispatch_uid="incidents.open")
def open_incident(sender, *, task, reason, tries, **kwargs):
    incident_open(task=task, reason=reason, tries=tries)
