from django.apps import AppConfig


class SitechecksConfig(AppConfig):
    """ECS Check on site: API keys for site-gate systems, spot checks of cards and the alerts sent about them."""

    name = "portal.sitechecks"
    label = "sitechecks"
    verbose_name = "ECS Check on site"
