"""The work lists listen to viewflow: every saved task brings its OpenTask row up to date (services.open_task_sync),
inside the transaction that saved it; and to the domain: an organisation renamed has its open cases found by the
new name (services.open_tasks_renamed). Connected in TasklistConfig.ready.

A task changed without a save (a bulk UPDATE on viewflow's table, as the benchmark's data does) is not heard:
`manage.py rebuild_work_lists` makes every row again."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task

from portal.organisations.signals import organisation_renamed
from workflows.tasklist import services


@receiver(post_save, sender=Task, dispatch_uid="tasklist_open_task_sync")
def task_saved(sender, instance: Task, created: bool = False, raw: bool = False, **kwargs) -> None:
    if raw:  # loaded from a fixture: `rebuild_work_lists` afterwards
        return
    services.open_task_sync(task=instance, created=created)


@receiver(organisation_renamed, dispatch_uid="tasklist_organisation_renamed")
def organisation_was_renamed(sender, organisation, old_name: str, **kwargs) -> None:
    services.open_tasks_renamed(old_name=old_name)
