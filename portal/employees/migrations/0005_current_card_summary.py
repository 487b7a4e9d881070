"""Each employment carries its operative's current card and that card's expiry (a summary the services keep), with
an index on current employees by organisation and expiry: the home page's counts and the cards expiring soon /
expired lists become index range scans instead of one look-up of the newest card per employee (20,000 for the
largest employer). The rows that exist are filled here by the same rule the services use
(`registry.models.current_cards`)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from portal.registry.models import current_cards


def fill(apps, schema_editor):
    Employment = apps.get_model("employees", "Employment")
    Card = apps.get_model("registry", "Card")
    current = current_cards(Card.objects.filter(operative=OuterRef("operative")))
    Employment.objects.update(
        card=Subquery(current.values("pk")[:1]), card_expires_on=Subquery(current.values("expires_on")[:1])
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE employees_employment")


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0004_national_scale_indexes"),
        ("organisations", "0002_portal_user_events"),
        ("registry", "0006_awarding_body_certificate_shapes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="employment",
            name="card",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.card",
            ),
        ),
        migrations.AddField(
            model_name="employment",
            name="card_expires_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="newest card expires"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="employment",
            index=models.Index(
                condition=models.Q(("left_on__isnull", True)),
                fields=["organisation", "card_expires_on", "office"],
                name="employment_current_card_expiry",
            ),
        ),
    ]
