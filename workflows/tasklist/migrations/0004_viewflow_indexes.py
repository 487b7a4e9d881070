"""Indexes on viewflow's tables for the work lists (viewflow declares none of these):

- open tasks by step, the order a queue is read in (partial: finished tasks, nearly all rows, are left out);
- open tasks by holder ("My work") and by step and holder (queue counts);
- every task by step (history per step, the dashboards);
- processes by flow and case (tasks joined to their case through `artifact_object_id` with the flow, which the
  existing (content type, object id) index cannot serve).
"""

from django.db import migrations

OPEN = "status IN ('NEW', 'ASSIGNED', 'STARTED')"

INDEXES = {
    "tasklist_task_open_step": f"viewflow_task (flow_task, created, id) WHERE {OPEN}",
    "tasklist_task_open_owner": f"viewflow_task (owner_id, flow_task) WHERE {OPEN}",
    "tasklist_task_step_status_owner": "viewflow_task (flow_task, status, owner_id)",
    "tasklist_process_flow_artifact": "viewflow_process (flow_class, artifact_object_id)",
    "tasklist_process_artifact": "viewflow_process (artifact_object_id, artifact_content_type_id)",
}


class Migration(migrations.Migration):
    dependencies = [("tasklist", "0003_task_events"), ("viewflow", "0015_task_scheduled")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
