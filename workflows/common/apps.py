from django.apps import AppConfig


class CommonWorkflowConfig(AppConfig):
    name = "workflows.common"
    label = "workflow_common"
