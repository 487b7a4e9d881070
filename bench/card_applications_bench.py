"""Starting card applications for 500 employees at once (one application and one process each).

    .venv/bin/python bench/card_applications_bench.py                  # SQLite, a scratch database under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecs_bench .venv/bin/python bench/card_applications_bench.py

Migrates the database if needed, adds a new organisation with 500 employees (some holding cards, some with HS&E
results), then times `card_applications_start` for all of them in one call, as START APPLICATIONS FOR EMPLOYEES does,
and counts the SQL queries. Target: under 10 seconds.
"""

import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ecs_card_applications_bench.sqlite3")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

EMPLOYEES, TARGET_SECONDS = 500, 10.0


def ensure_database() -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        return
    import psycopg2

    name = url.path.lstrip("/")
    conn = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres", dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_data():
    """A new organisation with EMPLOYEES current employees; returns (primary user, employments)."""
    from django.db import transaction

    from portal.accounts.services import user_create
    from portal.employees.models import Employment
    from portal.organisations import services
    from portal.organisations.permissions import ALL_FLAGS
    from portal.registry.models import Card, CardType, HseResult, Operative

    run = uuid.uuid4().hex[:6]
    today = date.today()
    with transaction.atomic():
        organisation = services.organisation_create(name=f"Bench Applications {run} Ltd")
        user = user_create(email=f"bench-{run}@bench.example", first_name="Bench", last_name="Primary",
                           mobile="+447700123000")  # fmt: skip
        primary = services.portal_user_create(
            user=user, organisation=organisation, office=organisation.head_office, flags=set(ALL_FLAGS),
            is_primary_user=True,
        )  # fmt: skip
        prefix = int(run, 16) % 900_000
        operatives = Operative.objects.bulk_create(
            Operative(first_name=f"First{i}", last_name=f"Last{i:04d}", date_of_birth=date(1980, 1, 1),
                      ni_number=f"ZX{(prefix + i * 7919) % 1_000_000:06d}{'ABCD'[i % 4]}")
            for i in range(EMPLOYEES)
        )  # fmt: skip
        craft = CardType.objects.get(name="Craft or Related Disciplines")
        labourer = CardType.objects.get(name="Electrical Labourer")
        Card.objects.bulk_create(
            Card(operative=o, card_type=labourer, number=f"9{prefix:06d}{i:04d}"[:12], issued_on=today,
                 expires_on=today + timedelta(days=30 + i))
            for i, o in enumerate(operatives) if i % 3 == 0
        )  # fmt: skip
        HseResult.objects.bulk_create(
            HseResult(operative=o, number=f"HB{prefix:06d}{i:04d}", taken_on=today - timedelta(days=100),
                      passed=True, expires_on=today + timedelta(days=600))
            for i, o in enumerate(operatives) if i % 2 == 0
        )  # fmt: skip
        employments = Employment.objects.bulk_create(
            Employment(operative=o, organisation=organisation, office=organisation.head_office,
                       started_on=date(2020, 1, 6))
            for o in operatives
        )  # fmt: skip
    return primary, employments, craft


def main() -> int:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.applications.models import CardApplication
    from portal.applications.selectors import card_types_available
    from portal.applications.services import card_applications_start

    call_command("migrate", verbosity=0)
    primary, employments, craft = setup_data()
    print(f"database: {connection.vendor}; {len(employments)} employees", flush=True)

    started = time.perf_counter()
    available = card_types_available(employments=employments)
    choose = time.perf_counter() - started
    choices = [(e, f"initial:{craft.pk}") for e in employments]
    assert all(available[e.pk].choice(key) for e, key in choices)

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        applications = card_applications_start(actor=primary.user, choices=choices)
        elapsed = time.perf_counter() - started
    assert len(applications) == EMPLOYEES
    assert CardApplication.objects.filter(organisation=primary.organisation).count() == EMPLOYEES
    print(f"card types available for {EMPLOYEES}: {choose * 1000:.0f} ms")
    print(f"started {EMPLOYEES} applications and processes: {elapsed:.2f} s, {len(queries)} queries "
          f"({len(queries) / EMPLOYEES:.1f} a application)")  # fmt: skip

    # The same through the page: Choose Application Types posted for 500 employees, as a signed-in user.
    from django.test import Client

    primary, employments, craft = setup_data()
    client = Client()
    client.force_login(primary.user)
    data = {"employment": [e.pk for e in employments], **{f"type_{e.pk}": f"initial:{craft.pk}" for e in employments}}
    started = time.perf_counter()
    response = client.post("/portal/applications/start/", data)
    through_page = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    assert CardApplication.objects.filter(organisation=primary.organisation).count() == EMPLOYEES
    print(f"the same through the Choose Application Types page: {through_page:.2f} s")
    worst = max(elapsed, through_page)
    print(f"target: under {TARGET_SECONDS:.0f} s -> {'met' if worst < TARGET_SECONDS else 'NOT met'}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
