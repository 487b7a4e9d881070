"""The stored terms of open tasks (OpenTask), which the work lists read instead of computing due dates, priority and
search per query. On PostgreSQL, a trigram index (pg_trgm) on the names a search finds a part of; where the
extension cannot be created, that part of a search reads the table (small: open tasks only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TRIGRAM_INDEX = "tasklist_open_names_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone() is None:
                return
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON tasklist_opentask USING gin (names gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('tasklist', '0007_assessment_booking_service_levels'),
        ('viewflow', '0015_task_scheduled'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OpenTask',
            fields=[
                ('task', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='viewflow.task')),
                ('flow_task', models.CharField(max_length=255, verbose_name='step')),
                ('created', models.DateTimeField()),
                ('due', models.DateTimeField(blank=True, help_text="Created plus its step's service level.", null=True)),
                ('priority', models.PositiveSmallIntegerField(default=0)),
                ('urgent_from', models.DateField(blank=True, help_text='The day the case becomes urgent (a renewal 4 weeks before its card expires).', null=True)),
                ('reference', models.CharField(blank=True, max_length=100)),
                ('other_reference', models.CharField(blank=True, max_length=100)),
                ('names', models.TextField(blank=True)),
                ('forename', models.CharField(blank=True, max_length=100)),
                ('surname', models.CharField(blank=True, max_length=100)),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('process', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='viewflow.process')),
            ],
            options={
                'verbose_name': 'open task',
                'indexes': [models.Index(fields=['-priority', 'due', 'created', 'task'], name='tasklist_open_order'), models.Index(fields=['flow_task', '-priority', 'due', 'created', 'task'], name='tasklist_open_step_order'), models.Index(fields=['flow_task', 'due'], include=('owner',), name='tasklist_open_step_due'), models.Index(condition=models.Q(('priority__lt', 2)), fields=['urgent_from'], name='tasklist_open_urgent_from'), models.Index(fields=['reference'], name='tasklist_open_reference'), models.Index(fields=['other_reference'], name='tasklist_open_other_reference'), models.Index(fields=['surname', 'forename'], name='tasklist_open_surname', opclasses=['varchar_pattern_ops', 'varchar_pattern_ops'])],
            },
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
