"""Open processes by flow and case: a list's priority and search look up the cases of open processes only, which
stays small however long the history grows (finished processes are nearly all rows)."""

from django.db import migrations

NAME = "tasklist_process_open_artifact"


class Migration(migrations.Migration):
    dependencies = [("tasklist", "0004_viewflow_indexes")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON viewflow_process (flow_class, artifact_object_id) "
            "WHERE status = 'NEW'",
            f"DROP INDEX IF EXISTS {NAME}",
        )
    ]
