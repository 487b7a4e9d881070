from django.apps import AppConfig


class LicenceWorkflowConfig(AppConfig):
    name = "workflows.licence"
    label = "workflow_licence"
