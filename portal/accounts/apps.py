from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_jib_teams(**kwargs) -> None:
    """The JIB team groups exist in every database (after migrate, and after a test flush)."""
    from django.contrib.auth.models import Group

    from portal.accounts.models import JibTeam

    for team in JibTeam.values:
        Group.objects.get_or_create(name=team)


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"

    def ready(self):
        post_migrate.connect(ensure_jib_teams, sender=self)
