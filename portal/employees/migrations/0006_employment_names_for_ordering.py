"""Each employment carries its operative's names (copies kept by the services), with an index on current employees
by organisation and name (and office): the employees list's page keys, in its default order, come from
the index alone at any page number (page 200 of 20,000 employees: an offset within one index instead of sorting
every employee joined to the national record)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Employment = apps.get_model("employees", "Employment")
    Operative = apps.get_model("registry", "Operative")
    operative = Operative.objects.filter(pk=OuterRef("operative"))
    Employment.objects.update(
        last_name=Subquery(operative.values("last_name")[:1]), first_name=Subquery(operative.values("first_name")[:1])
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE employees_employment")


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0005_current_card_summary"),
        ("organisations", "0002_portal_user_events"),
        ("registry", "0006_awarding_body_certificate_shapes"),
    ]

    operations = [
        migrations.AddField(
            model_name="employment",
            name="first_name",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="employment",
            name="last_name",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="employment",
            index=models.Index(
                condition=models.Q(("left_on__isnull", True)),
                fields=["organisation", "last_name", "first_name", "id", "office"],
                name="employment_current_by_name",
            ),
        ),
    ]
