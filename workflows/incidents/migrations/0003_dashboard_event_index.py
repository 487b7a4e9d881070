"""The casework dashboard's "oldest unchanged since" per stage reads each open application's latest event: an index
on (application, at) answers it from the index instead of reading every event of the application."""

from django.db import migrations

NAME = "dash_appevent_application_at"


class Migration(migrations.Migration):
    dependencies = [("workflow_incidents", "0002_dashboard_indexes"), ("applications", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON applications_applicationevent (application_id, at)",
            f"DROP INDEX IF EXISTS {NAME}",
        )
    ]
