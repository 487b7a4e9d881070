from django.db import migrations


def load(apps, schema_editor):
    from portal.assessments.catalogue import catalogue

    AssessmentType = apps.get_model("assessments", "AssessmentType")
    for row in catalogue():
        AssessmentType.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
