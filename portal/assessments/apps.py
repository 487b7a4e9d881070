from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "portal.assessments"
    label = "assessments"
    verbose_name = "ECS Assessments"

    def ready(self):
        from portal.assessments import receivers  # noqa: F401  (connects the receivers)
