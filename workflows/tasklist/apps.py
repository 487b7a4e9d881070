from django.apps import AppConfig


class TasklistConfig(AppConfig):
    name = "workflows.tasklist"
    label = "tasklist"
    verbose_name = "Back-office work lists"

    def ready(self):
        from workflows.tasklist import receivers  # noqa: F401  (the work lists listen to viewflow's tasks)
