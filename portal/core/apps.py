from django.apps import AppConfig, apps

# django-viewflow 2.4 ships a copy of the roboto-fontface npm package under viewflow/fonts/roboto/node_modules/.
# Its stylesheet refers to fonts beside itself that the package keeps elsewhere, so production's manifest storage
# rightly refuses it. No page loads that copy (viewflow's pages load viewflow/fonts/roboto/roboto-fontface.css,
# whose fonts are collected): collectstatic leaves it out and still checks every other reference strictly.
# Two more parts of viewflow's static files no page loads: its Plotly Dash bundle (viewflow/js/contrib/, 63 MB,
# for viewflow.contrib.plotly, not installed here) and the brand icons font (viewflow/fonts/simple-icons/, 47 MB,
# only viewflow's own login page, which is not routed). Compressing them was most of collectstatic's time.
# The app stays "django.contrib.staticfiles" by name in INSTALLED_APPS (test servers look for that string).
STATIC_IGNORES = ("viewflow/fonts/roboto/node_modules/*", "viewflow/js/contrib/*", "viewflow/fonts/simple-icons/*")


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self):
        staticfiles = apps.get_app_config("staticfiles")
        missing = [pattern for pattern in STATIC_IGNORES if pattern not in staticfiles.ignore_patterns]
        staticfiles.ignore_patterns = [*staticfiles.ignore_patterns, *missing]
