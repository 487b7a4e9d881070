"""Shared fixtures. The settings are portal.test_settings (pyproject.toml)."""

import os
import tempfile
from pathlib import Path

import pyotp
import pytest

# Tests that start the task worker's or the relay's entry point in this process must not lower its CPU priority.
os.environ.setdefault("ECS_BACKGROUND_NICE", "0")

from tests.factories import OrganisationFactory, PortalUserFactory

pytest_plugins = [
    "tests.sandbox_fixtures",
    "tests.prefect_fixtures",
    "tests.stripe_fixtures",
    "tests.browser_fixtures",
]


def pytest_collection_modifyitems(items):
    """Every test that commits (transactional) puts the migrated database back when it starts.

    A transactional test ends by emptying every table. Without serialized rollback the emptying re-runs the
    post-migrate handlers (groups, permissions, content types with new ids) but not the data migrations, so the
    next test misses the seeded reference data, and the next restore collides with the recreated groups. With it,
    the tables are left empty and each transactional test starts from the database as it was migrated."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)  # fmt: skip
        elif (
            marker is None
            and {"transactional_db", "live_server"} & set(item.fixturenames)
            and "django_db_serialized_rollback" not in item.fixturenames
        ):
            item.fixturenames.append("django_db_serialized_rollback")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, a test database in a file (in memory where /dev/shm exists), one per test process.

    Django's default, a shared-cache in-memory database, refuses a second thread's lock at once ("database table
    is locked") instead of waiting: the task worker and the relay run in threads beside the test."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        database.setdefault("TEST", {})["NAME"] = str(folder / f"ecs-test-{os.getpid()}.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The serialized copy of the migrated test database, for every connection object.

    Django keeps it on the connection that created the test database. Once Playwright runs its event loop in this
    thread, the ORM is handed a different connection object, which would not find the copy: transactional tests
    would then start from an emptied database."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    yield


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def primary_user(db, organisation):
    """A portal user at the head office with every flag."""
    return PortalUserFactory(organisation=organisation, office=organisation.head_office, all_flags=True)


def sign_in(client, user, password="correct horse battery"):
    """Sign in through both factors, reading the code from the SMS outbox, as a person would."""
    from portal.accounts.models import SmsMessage

    response = client.post("/accounts/sign-in/", {"email": user.email, "password": password})
    assert response.status_code == 302, response.content[:500]
    factor = user.second_factor
    factor.refresh_from_db()
    if factor.has_authenticator:
        code = pyotp.TOTP(factor.totp_secret).now()
    else:
        code = SmsMessage.objects.filter(to=user.mobile).first().body.split("code is ")[1][:6]
    response = client.post("/accounts/sign-in/code/", {"code": code})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def signed_in(client):
    """`signed_in(user)` returns the test client signed in as `user` with both factors."""

    def _sign_in(user):
        return sign_in(client, getattr(user, "user", user))

    return _sign_in


@pytest.fixture
def portal_client(client, primary_user):
    return sign_in(client, primary_user.user)


def pytest_sessionfinish(session, exitstatus):
    # A run that collected no test must not pass as green.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
