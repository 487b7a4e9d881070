"""Seed the ECS card types (reference data: editable in admin afterwards)."""

from django.db import migrations

FAMILIES = [
    ("Core - Electrical", 1, [
        # name, short name, colour, months, renewable
        ("Craft or Related Disciplines", "Craft", "Gold", 36, True),
        ("Electrical Labourer", "Labourer", "White", 36, True),
        ("Trainee", "Trainee", "Blue", 24, True),
        ("Experienced Worker", "Experienced Worker", "Blue", 18, False),
        ("Provisional", "Provisional", "Blue", 18, False),
        ("Temporary Electrician", "Temporary", "Blue", 18, False),
        ("Conditional", "Conditional", "Blue", 18, False),
    ]),
    ("Managerial", 2, [("Managerial", "Managerial", "Black", 36, True)]),
    ("Apprentice", 3, [
        ("JIB Registered Apprentice", "JIB Apprentice", "Green", 48, True),
        ("Non-JIB Registered Apprentice", "Non-JIB Apprentice", "Green", 48, True),
    ]),
    ("Fire, Emergency & Security Systems", 4, [
        ("Fire, Emergency & Security Systems", "FESS", "Gold", 36, True),
    ]),
    ("Related Disciplines", 5, [
        ("Network Infrastructure", "Network Infrastructure", "Gold", 36, True),
        ("Electrical Safety Unit", "Electrical Safety", "Gold", 36, True),
    ]),
]  # fmt: skip


def seed(apps, schema_editor):
    Family = apps.get_model("registry", "CardTypeFamily")
    CardType = apps.get_model("registry", "CardType")
    for family_name, position, types in FAMILIES:
        family, _ = Family.objects.get_or_create(name=family_name, defaults={"position": position})
        for name, short, colour, months, renewable in types:
            CardType.objects.get_or_create(
                name=name,
                defaults={
                    "family": family,
                    "short_name": short,
                    "colour": colour,
                    "duration_months": months,
                    "renewable": renewable,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
