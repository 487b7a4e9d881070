"""The employer's endorsements and "supply what is missing" became human tasks: tasks still open take the new
type and permission, the applications say which endorsement they wait for, and approved applications name their
approver."""

from django.db import migrations

FLOW = "workflow_card_application/flows.CardApplicationFlow"
OPEN = ("NEW", "ASSIGNED")
EMPLOYER_TASKS = {
    "endorse_grading": ("can_endorse_grading", "awaiting_grading_endorsement"),
    "endorse_supervisor": ("can_endorse_qualified_supervisor", "awaiting_supervisor_endorsement"),
    "await_supply": ("can_fill_in_applications", None),
}


def forwards(apps, schema_editor):
    Task = apps.get_model("viewflow", "Task")
    CardApplication = apps.get_model("applications", "CardApplication")
    for node, (flag, awaiting) in EMPLOYER_TASKS.items():
        tasks = Task.objects.filter(flow_task=f"{FLOW}.{node}", status__in=OPEN)
        if awaiting:
            ids = tasks.values_list("process__artifact_object_id", flat=True)
            CardApplication.objects.filter(pk__in=list(ids)).update(**{awaiting: True})
        tasks.update(flow_task_type="HUMAN", owner_permission=f"organisations.{flag}")
    approvals = Task.objects.filter(flow_task=f"{FLOW}.approve", status="DONE", owner__isnull=False)
    for task in approvals.select_related("process").order_by("-pk"):  # the latest approval
        CardApplication.objects.filter(pk=task.process.artifact_object_id, approved_by__isnull=True).update(
            approved_by=task.owner_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflow_card_application", "0001_initial"),
        ("applications", "0002_endorsements_awaited_and_approver"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
