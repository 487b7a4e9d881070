"""Prefect flows and tasks. Each sets Django up once and calls portal services; no ORM logic lives here."""

import os


def setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        django.setup()
