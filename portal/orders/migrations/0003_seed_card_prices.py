"""Seed card prices (reference data, editable in admin): £36.00 including VAT, £6.00 off for JIB members online."""

from django.db import migrations

PRICE_PENCE, MEMBER_DISCOUNT_PENCE = 3600, 600


def seed(apps, schema_editor):
    CardType = apps.get_model("registry", "CardType")
    CardPrice = apps.get_model("orders", "CardPrice")
    for card_type in CardType.objects.all():
        for application_type in ("initial", "renewal"):
            if application_type == "renewal" and not card_type.renewable:
                continue
            CardPrice.objects.get_or_create(
                card_type=card_type,
                application_type=application_type,
                defaults={"price_pence": PRICE_PENCE, "member_discount_pence": MEMBER_DISCOUNT_PENCE},
            )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_card_prices"), ("registry", "0004_seed_catalogue")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
