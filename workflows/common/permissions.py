"""Task permissions of the JIB teams, granted to their groups after every migrate (and every test flush)."""

from django.db.models.signals import post_migrate


def grant_after_migrate(app_config, team_permissions: dict[str, list[str]]) -> None:
    """Connect a post_migrate handler giving each team group the app's task permissions named for it."""

    def grant(**kwargs) -> None:
        from django.contrib.auth.management import create_permissions
        from django.contrib.auth.models import Group, Permission

        create_permissions(kwargs["app_config"], verbosity=0, using=kwargs.get("using", "default"))
        for team, codenames in team_permissions.items():
            group, _ = Group.objects.get_or_create(name=team)
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_config.label, codename__in=codenames)
            )

    post_migrate.connect(grant, sender=app_config, weak=False)
