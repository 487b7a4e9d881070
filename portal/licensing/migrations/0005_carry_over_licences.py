from django.db import migrations


def carry_over(apps, schema_editor):
    """Organisations that used the Employer Portal before licences recorded their parts keep it: each active
    organisation (not the JIB) without a licence gets one for the Employer Portal."""
    Organisation = apps.get_model("organisations", "Organisation")
    Licence = apps.get_model("licensing", "Licence")
    licensed = Licence.objects.values_list("organisation_id", flat=True)
    for organisation in Organisation.objects.filter(is_jib=False, is_active=True).exclude(pk__in=licensed):
        Licence.objects.create(organisation=organisation, employer_portal=True)


class Migration(migrations.Migration):
    dependencies = [("licensing", "0004_licence_events"), ("organisations", "0002_portal_user_events")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
