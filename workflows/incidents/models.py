"""Incidents: automated steps that failed after their retries and wait for a person (like Camunda Operate).

An incident is opened when a flow's Job step fails for good (workflows.common.signals.job_failed). A person in a
team that works the process either runs the step again (the job goes through the outbox once more) or sends the
case to manual checking (the step's .OnError boundary hands it to the human task that does the check by hand).
Each action is an IncidentEvent row. A step that fails again after a retry opens a new incident.
"""

from django.conf import settings
from django.db import models
from viewflow.workflow.models import Process, Task


class Incident(models.Model):
    class Resolution(models.TextChoices):
        RETRIED = "retried", "Run again"
        SENT_TO_MANUAL = "manual", "Sent to manual checking"
        CASE_MOVED_ON = "moved_on", "The case moved on"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    # Kept as text when the incident opens, so that the list reads no process, task or case row per incident.
    flow_class = models.CharField(max_length=200)  # viewflow's flow reference ("workflows.licence.flows.LicenceFlow")
    flow_task = models.CharField(max_length=250)  # the node's reference (".../LicenceFlow.checks")
    step = models.CharField(max_length=200)  # the step's title, "Automated pre-checks"
    case = models.CharField(max_length=300)  # the case as people name it, "ECS0001234 Jeff Jones"
    error = models.TextField()
    tries = models.PositiveIntegerField(default=1)  # runs of the step so far, across earlier incidents
    opened_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [
            # The open incidents, newest first (the list and the dashboard's count), per process.
            models.Index(
                fields=["flow_class", "-opened_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="incident_open_by_flow",
            ),
            models.Index(fields=["task", "-opened_at"], name="incident_task"),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.case}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class IncidentEvent(models.Model):
    """What happened to an incident: opened, run again, sent to manual checking (who and when)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what = models.CharField(max_length=500)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what
