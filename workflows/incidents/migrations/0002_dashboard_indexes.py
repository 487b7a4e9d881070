"""Indexes on viewflow's tables and the application history for the process dashboards (workflows/flow_dashboard.py),
so that their figures over 7 to 90 days read the period's rows only, however long the history:

- finished tasks by step and end time, with their start (cycle times per step, bottlenecks, breaches);
- finished processes by flow and end time, with their start (end-to-end cycle time, throughput finished);
- processes by flow and start (throughput started);
- live tasks by step, failed and scheduled ones included (the heat overlay);
- application events by the status they moved to and when (the share verified automatically).
"""

from django.db import migrations

INDEXES = {
    "dash_task_done_step_finished": "viewflow_task (flow_task, finished, created) WHERE status = 'DONE'",
    "dash_process_done_finished": "viewflow_process (flow_class, finished, created) WHERE status = 'DONE'",
    "dash_process_flow_created": "viewflow_process (flow_class, created)",
    "dash_task_live_step": "viewflow_task (flow_task, created) "
    "WHERE status IN ('NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR')",
    "dash_appevent_status_at": "applications_applicationevent (to_status, at)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflow_incidents", "0001_incidents"),
        ("viewflow", "0015_task_scheduled"),
        ("applications", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
