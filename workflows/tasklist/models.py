"""The back office's work lists: service levels per step, and filters saved on the server."""

from datetime import timedelta

from django.conf import settings
from django.db import models

from portal.accounts.models import JibTeam


class ServiceLevel(models.Model):
    """How long a person's task at one step may wait, from when it was created, before it is late.

    `flow_task` is viewflow's reference of the step (`workflow_card_application/flows.CardApplicationFlow.verify`),
    the value stored in `viewflow_task.flow_task`. A step without a service level has no due date."""

    flow_task = models.CharField("step", max_length=255, unique=True)
    days = models.PositiveSmallIntegerField(
        "days allowed", help_text="Calendar days from when the task was created (5 working days are 7 days)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["flow_task"]
        verbose_name = "service level"

    def __str__(self) -> str:
        from workflows.tasklist.steps import step_title

        return f"{step_title(self.flow_task)}: {self.days} days"

    @property
    def allowed(self) -> timedelta:
        return timedelta(days=self.days)


class SavedFilter(models.Model):
    """A work-list filter (queue, search, step, who, due) kept on the server: private to its owner, or shared with
    everyone in one JIB team."""

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    team = models.CharField(
        "shared with", max_length=20, choices=JibTeam.choices, blank=True, help_text="Empty: only its owner sees it."
    )
    params = models.JSONField("filter", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="tasklist_savedfilter_owner_name")]
        indexes = [models.Index(fields=["team", "name"], name="tasklist_savedfilter_team")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return bool(self.team)


class TaskEvent(models.Model):
    """Who took, gave back or handed on a task in the back office, and when."""

    class Action(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        RELEASED = "released", "Released"
        ASSIGNED = "assigned", "Assigned"

    task = models.ForeignKey("viewflow.Task", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        if self.action == self.Action.ASSIGNED:
            return f"{self.actor} assigned the task to {self.owner}"
        return f"{self.actor} {self.get_action_display().lower()} the task"
