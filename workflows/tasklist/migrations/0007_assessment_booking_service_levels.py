"""Service levels for the steps people work in an ECS Assessment booking. The invigilator's review of a sitting is
done within two working days (a result awaited by the delegate and the employer); a step run again by hand after an
automated step failed (the delegate's link, the marking, the result on the record) within one day."""

from django.db import migrations

SERVICE_LEVEL_DAYS = {
    "workflow_assessment_booking/flows.AssessmentBookingFlow.review": 2,
    "workflow_assessment_booking/flows.AssessmentBookingFlow.invite_again": 1,
    "workflow_assessment_booking/flows.AssessmentBookingFlow.mark_again": 1,
    "workflow_assessment_booking/flows.AssessmentBookingFlow.record_again": 1,
}


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("tasklist", "ServiceLevel")
    for flow_task, days in SERVICE_LEVEL_DAYS.items():
        ServiceLevel.objects.get_or_create(flow_task=flow_task, defaults={"days": days})


def unseed(apps, schema_editor):
    apps.get_model("tasklist", "ServiceLevel").objects.filter(flow_task__in=SERVICE_LEVEL_DAYS).delete()


class Migration(migrations.Migration):
    dependencies = [("tasklist", "0006_invigilation_team")]

    operations = [migrations.RunPython(seed, unseed)]
