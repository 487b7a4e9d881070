from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "portal.applications"
    label = "applications"
    verbose_name = "Card applications"

    def ready(self):
        from portal.applications import receivers  # noqa: F401  (connects the receivers)
