"""The licensing team (and team leaders) may verify applications and set up office structures."""

from django.db import migrations

TEAMS = {"licensing": ["verify_licence", "set_up_offices"], "team_leader": ["verify_licence", "set_up_offices"]}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="workflow_licence", model="licenceprocess")
    names = {"verify_licence": "Can verify licence applications", "set_up_offices": "Can set up office structures"}
    for team, codenames in TEAMS.items():
        group, _ = Group.objects.get_or_create(name=team)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": names[codename]}
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("workflow_licence", "0001_initial"), ("accounts", "0002_jib_team_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
