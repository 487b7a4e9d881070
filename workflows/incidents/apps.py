from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "workflows.incidents"
    label = "workflow_incidents"
    verbose_name = "Incidents"

    def ready(self):
        from workflows.incidents import receivers  # noqa: F401  (connects the receivers)
