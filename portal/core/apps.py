from django.apps import AppConfig, apps

# django-viewflow 2.4 ships a copy of the roboto-fontface npm package under viewflow/fonts/roboto/node_modules/.
# Its stylesheet refers to fonts beside itself that the package keeps elsewhere, so production's manifest storage
# rightly refuses it. No page loads that copy (viewflow's pages load viewflow/fonts/roboto/roboto-fontface.css,
# whose fonts are collected): collectstatic leaves it out and still checks every other reference strictly.
# The app stays "django.contrib.staticfiles" by name in INSTALLED_APPS (test servers look for that string).
STATIC_IGNORE = "viewflow/fonts/roboto/node_modules/*"


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self):
        staticfiles = apps.get_app_config("staticfiles")
        if STATIC_IGNORE not in staticfiles.ignore_patterns:
            staticfiles.ignore_patterns = [*staticfiles.ignore_patterns, STATIC_IGNORE]
