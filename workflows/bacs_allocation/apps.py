from django.apps import AppConfig

from workflows.common.permissions import grant_after_migrate

# Which JIB teams may import bank statements and allocate BACS transfers.
TEAM_PERMISSIONS = {
    "finance": ["allocate_bacs_transfer"],
    "team_leader": ["allocate_bacs_transfer"],
}


class BacsAllocationWorkflowConfig(AppConfig):
    name = "workflows.bacs_allocation"
    label = "workflow_bacs_allocation"

    def ready(self):
        grant_after_migrate(self, TEAM_PERMISSIONS)
        from workflows.bacs_allocation import receivers  # noqa: F401  (connects the receivers)
