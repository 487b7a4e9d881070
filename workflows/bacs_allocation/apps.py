from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Which JIB teams may import bank statements and allocate BACS transfers.
TEAM_PERMISSIONS = {
    "finance": ["allocate_bacs_transfer"],
    "team_leader": ["allocate_bacs_transfer"],
}


def grant_team_permissions(**kwargs) -> None:
    """Give the teams their permissions (after migrate, and after a test flush)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
    for team, codenames in TEAM_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=team)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="workflow_bacs_allocation", codename__in=codenames)
        )


class BacsAllocationWorkflowConfig(AppConfig):
    name = "workflows.bacs_allocation"
    label = "workflow_bacs_allocation"

    def ready(self):
        post_migrate.connect(grant_team_permissions, sender=self)
