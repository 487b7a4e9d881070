"""Prefect flows and tasks. Each sets Django up once and calls portal services; no ORM logic lives here."""

import contextlib
import os


def setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        django.setup()


@contextlib.contextmanager
def django_work():
    """Django set up, and this thread's database connection handled as around a request: a broken or expired one
    is dropped before the work, and after it (the task worker's threads live long and outlast connections)."""
    setup_django()
    from django.db import close_old_connections

    close_old_connections()
    try:
        yield
    finally:
        close_old_connections()


def lower_priority() -> None:
    """Run this background process (relay, task worker) ECS_BACKGROUND_NICE steps below normal CPU priority (10 by
    default; 0 leaves it), so that during a burst of background work the web's requests get the CPU first: on two
    cores the hand-off request's p95 during a burst of 200 steps was 208-296 ms at 0 and 116-122 ms at 10, and the
    burst's steps finished no later (bench/README.md)."""
    steps = int(os.environ.get("ECS_BACKGROUND_NICE", "10") or 0)
    if steps > 0:
        os.nice(steps)
