"""Static files: Django's app with one more ignore pattern.

django-viewflow 2.4 ships a copy of the roboto-fontface npm package under viewflow/fonts/roboto/node_modules/.
Its stylesheet (css/roboto/roboto-fontface.css) refers to fonts beside itself that the package keeps in
fonts/roboto/ instead, so the manifest storage of production rightly refuses it. No page loads that copy: viewflow's
pages load viewflow/fonts/roboto/roboto-fontface.css, whose fonts sit beside it and are collected. Leaving the
copy out keeps every other reference checked strictly.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    # A file's path relative to its app's static directory ("*" also matches "/").
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "viewflow/fonts/roboto/node_modules/*"]
