from django.apps import AppConfig

from workflows.common.permissions import grant_after_migrate

# Which JIB teams may work which tasks of the licence process.
TEAM_PERMISSIONS = {
    "licensing": ["verify_licence", "set_up_offices"],
    "team_leader": ["verify_licence", "set_up_offices"],
}


class LicenceWorkflowConfig(AppConfig):
    name = "workflows.licence"
    label = "workflow_licence"

    def ready(self):
        grant_after_migrate(self, TEAM_PERMISSIONS)
        from workflows.licence import receivers  # noqa: F401  (connects the receivers)
