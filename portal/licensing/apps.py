from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "portal.licensing"
    label = "licensing"
