from django.apps import AppConfig


class TasklistConfig(AppConfig):
    name = "workflows.tasklist"
    label = "tasklist"
    verbose_name = "Back-office work lists"
