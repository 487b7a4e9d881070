from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Which JIB teams may work which tasks of the card application process.
TEAM_PERMISSIONS = {
    "verification": ["verify_card_application"],
    "processing": ["dispatch_card"],
    "team_leader": ["verify_card_application", "approve_card_application", "dispatch_card"],
}


def grant_team_permissions(**kwargs) -> None:
    """Give the teams their permissions (after migrate, and after a test flush)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    for team, codenames in TEAM_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=team)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="workflow_card_application", codename__in=codenames)
        )


class CardApplicationWorkflowConfig(AppConfig):
    name = "workflows.card_application"
    label = "workflow_card_application"

    def ready(self):
        post_migrate.connect(grant_team_permissions, sender=self)
