"""The service levels the casework dashboard has used (workflows/dashboard.py SERVICE_LEVEL_DAYS), now editable in
the admin. Verification's 5 working days count as 7 calendar days."""

from django.db import migrations

SERVICE_LEVEL_DAYS = {
    "workflow_card_application/flows.CardApplicationFlow.verify": 7,
    "workflow_card_application/flows.CardApplicationFlow.approve": 2,
    "workflow_card_application/flows.CardApplicationFlow.dispatch": 2,
    "workflow_licence/flows.LicenceFlow.check_manually": 10,
    "workflow_licence/flows.LicenceFlow.verify": 10,
    "workflow_licence/flows.LicenceFlow.set_up_offices": 10,
    "workflow_bacs_allocation/flows.BacsAllocationFlow.allocate": 10,
}


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("tasklist", "ServiceLevel")
    for flow_task, days in SERVICE_LEVEL_DAYS.items():
        ServiceLevel.objects.get_or_create(flow_task=flow_task, defaults={"days": days})


def unseed(apps, schema_editor):
    apps.get_model("tasklist", "ServiceLevel").objects.filter(flow_task__in=SERVICE_LEVEL_DAYS).delete()


class Migration(migrations.Migration):
    dependencies = [("tasklist", "0001_service_levels_saved_filters")]

    operations = [migrations.RunPython(seed, unseed)]
