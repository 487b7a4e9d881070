"""Indexes for a contract's live workforce status at scale (5,000 workers on a contract, 50,000 in the registry).

The contract page, its "needing attention" list and the compliance summary work out each worker's status when
asked (it is never stored): the worker's newest card issued by the day (by expiry, then id) and their HS&E pass
that expires last. Each is one probe a worker of these indexes, which carry what the status and the summary read
(PostgreSQL's INCLUDE), so the probe never reads the table:

- `registry_card_newest_with_facts`: cards by operative, newest first, with the day of issue, the cancellation,
  the card type, occupation and grade;
- `registry_hseresult_newest_pass`: passes by operative, the one that expires last first.

The tables belong to the registry; the indexes serve ECS Check, so they are made here (raw SQL: Django's model
state is unchanged). SQLite, the embedded default, gets the same keys without the included columns.
"""

from django.db import migrations

INDEXES = [
    (
        "registry_card_newest_with_facts",
        "registry_card (operative_id, expires_on DESC, id DESC)",
        "(issued_on, cancelled_at, card_type_id, occupation_id, grade_id)",
        "",
    ),
    (
        "registry_hseresult_newest_pass",
        "registry_hseresult (operative_id, expires_on DESC NULLS LAST, id DESC)",
        "(taken_on)",
        " WHERE passed",
    ),
]


def create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, keys, included, where in INDEXES:
        if not postgresql:
            keys = keys.replace(" NULLS LAST", "")  # SQLite puts NULLs last in a descending index already
        include = f" INCLUDE {included}" if postgresql else ""
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {keys}{include}{where}")
    if postgresql:
        schema_editor.execute("ANALYZE registry_card")
        schema_editor.execute("ANALYZE registry_hseresult")


def drop(apps, schema_editor):
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
        ("registry", "0006_awarding_body_certificate_shapes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
