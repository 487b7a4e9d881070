from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "workflows.insights"
    label = "workflow_insights"
    verbose_name = "Process dashboards"
