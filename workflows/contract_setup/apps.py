from django.apps import AppConfig


class ContractSetupWorkflowConfig(AppConfig):
    name = "workflows.contract_setup"
    label = "workflow_contract_setup"
    verbose_name = "Contract set-up"

    def ready(self):
        from workflows.contract_setup import receivers  # noqa: F401  (connects the receivers)
