"""`manage.py rebuild_work_lists`: make the stored terms of every open task (OpenTask) again from the tasks, after
a restore, data loaded in bulk, or a change of what a search finds a case by; `--raise-priorities` only raises
the renewals that have become urgent (what Prefect runs every few minutes)."""

from django.core.management.base import BaseCommand

from workflows.tasklist import services


class Command(BaseCommand):
    help = "Rebuild the work lists' stored due dates, priorities and search terms of open tasks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--raise-priorities", action="store_true", help="only make urgent the renewals whose time has come"
        )

    def handle(self, *args, raise_priorities=False, **options):
        if raise_priorities:
            raised = services.open_task_priorities_raise()
            self.stdout.write(f"{raised} open task{'s' if raised != 1 else ''} made urgent.")
            return
        made = services.open_tasks_rebuild()
        self.stdout.write(f"{made} open task{'s' if made != 1 else ''} in the work lists.")
