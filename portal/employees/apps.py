from django.apps import AppConfig


class EmployeesConfig(AppConfig):
    name = "portal.employees"
    label = "employees"
