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


# A task's priority (documented in selectors.PRIORITY_REASONS): higher is worked first.
PRIORITY_NORMAL, PRIORITY_ANSWERED, PRIORITY_URGENT = 0, 1, 2
# A card renewal is urgent from this long before the card it renews expires.
RENEWAL_URGENT_WITHIN = timedelta(days=28)


class OpenTask(models.Model):
    """The terms of one open task of a step people work, stored so that a work list is one index-ordered read:
    when it is due, its priority, who holds it, and what a search by the case looks in.

    One row per open task (NEW, ASSIGNED or STARTED) of a step in `steps.human_steps()`; the row goes when the task
    is done or cancelled. Kept up to date by `services` (a task saved, a service level edited, a hold answered, a
    renewal close to its card's expiry); `services.open_tasks_rebuild()` (the `rebuild_work_lists` command) makes
    them all again from the tasks.

    Search columns are upper-cased when written (`reference`, `other_reference`: exact; `names`: a part of a name
    or description; `forename` and `surname`: the applicant's, a surname by its beginning)."""

    task = models.OneToOneField("viewflow.Task", on_delete=models.CASCADE, primary_key=True, related_name="+")
    process = models.ForeignKey("viewflow.Process", on_delete=models.CASCADE, related_name="+")
    flow_task = models.CharField("step", max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField()
    due = models.DateTimeField(null=True, blank=True, help_text="Created plus its step's service level.")
    priority = models.PositiveSmallIntegerField(default=0)
    urgent_from = models.DateField(
        null=True, blank=True, help_text="The day the case becomes urgent (a renewal 4 weeks before its card expires)."
    )
    reference = models.CharField(max_length=100, blank=True)
    other_reference = models.CharField(max_length=100, blank=True)
    names = models.TextField(blank=True)
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "open task"
        indexes = [
            # A work list's order (late ones first are read as a range of `due`, see selectors.page_of).
            models.Index(fields=["-priority", "due", "created", "task"], name="tasklist_open_order"),
            models.Index(fields=["flow_task", "-priority", "due", "created", "task"], name="tasklist_open_step_order"),
            # Counts per step (total, late, unassigned, held by one person), read from the index alone.
            models.Index(fields=["flow_task", "due"], include=["owner"], name="tasklist_open_step_due"),
            models.Index(
                fields=["urgent_from"],
                condition=models.Q(priority__lt=PRIORITY_URGENT),
                name="tasklist_open_urgent_from",
            ),
            models.Index(fields=["reference"], name="tasklist_open_reference"),
            models.Index(fields=["other_reference"], name="tasklist_open_other_reference"),
            # A surname by its beginning (LIKE 'X%' on PostgreSQL whatever the database's collation).
            models.Index(
                fields=["surname", "forename"],
                name="tasklist_open_surname",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"Task {self.task_id} ({self.flow_task})"
