"""Fill OpenTask from the tasks open now (workflows.tasklist.services.open_tasks_rebuild, as `manage.py
rebuild_work_lists` does), so that the work lists hold every open task from the first page read after migrating."""

from django.db import migrations


def fill(apps, schema_editor):
    from workflows.tasklist.services import open_tasks_rebuild

    if apps.get_model("viewflow", "Task").objects.exists():
        open_tasks_rebuild()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE tasklist_opentask")


class Migration(migrations.Migration):
    dependencies = [("tasklist", "0008_open_task_terms")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=False)]
