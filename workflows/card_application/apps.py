from django.apps import AppConfig

from workflows.common.permissions import grant_after_migrate

# Which JIB teams may work which tasks of the card application process.
TEAM_PERMISSIONS = {
    "verification": ["verify_card_application"],
    "processing": ["dispatch_card"],
    "team_leader": ["verify_card_application", "approve_card_application", "dispatch_card"],
}


class CardApplicationWorkflowConfig(AppConfig):
    name = "workflows.card_application"
    label = "workflow_card_application"

    def ready(self):
        grant_after_migrate(self, TEAM_PERMISSIONS)
        from workflows.card_application import receivers  # noqa: F401  (the process listens to the domain)
