"""Employees pages at national scale: 200,000 operatives, 300,000 cards, one organisation of 20,000 employees.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecs_bench .venv/bin/python bench/employees_bench.py

Creates the database if needed, loads the data once (COPY), then requests each page through Django's test client
as a signed-in Primary User and prints p50/p95 response times and SQL query counts. Target: p95 < 150 ms with a
query count that does not grow with the data.
"""

import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_bench")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

OPERATIVES, CARDS, EMPLOYEES, REQUESTS = 200_000, 300_000, 20_000, 50
PREFIXES = ["AB", "CE", "JR", "KA", "LM", "NP", "PR", "RS", "SW", "WX"]


def ensure_database() -> None:
    import psycopg2

    url = urlsplit(os.environ["DATABASE_URL"])
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


def copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def load() -> tuple:
    from django.core.management import call_command
    from django.db import connection, transaction

    from portal.accounts.services import user_create
    from portal.employees.services import employment_summaries_fill
    from portal.organisations import services
    from portal.organisations.models import Organisation
    from portal.organisations.permissions import ALL_FLAGS
    from portal.registry.models import CardType, Operative

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.filter(name="Bench Electrical Ltd").first()
    if organisation is not None and Operative.objects.count() >= OPERATIVES:
        licensed(organisation)
        vacuum()
        return organisation, organisation.portal_users.get(is_primary_user=True)
    print("Loading the benchmark data (once)...", flush=True)
    started = time.monotonic()
    rng = random.Random(7)
    today = date.today()
    with transaction.atomic():
        organisation = services.organisation_create(name="Bench Electrical Ltd")
        head = organisation.head_office
        regions = [services.office_create(organisation=organisation, parent=head, name=f"Region {r}", kind="region")
                   for r in range(4)]  # fmt: skip
        offices = [head, *regions] + [
            services.office_create(organisation=organisation, parent=regions[o % 4], name=f"Office {o}")
            for o in range(12)
        ]
        user = user_create(email="bench@bench.example", first_name="Bench", last_name="Primary", mobile="+447700123000")
        primary = services.portal_user_create(
            user=user, organisation=organisation, office=head, flags=set(ALL_FLAGS), is_primary_user=True
        )
        card_types = list(CardType.objects.values_list("pk", "duration_months"))
        with connection.cursor() as cursor:
            raw = cursor.cursor
            copy(raw, "registry_operative",
                 ["title", "first_name", "last_name", "gender", "date_of_birth", "ni_number", "created_at"],
                 (("Mr", f"First{i % 997}", f"Last{i % 4999:04d}", "M",
                   date(1960, 1, 1) + timedelta(days=i % 15000),
                   f"{PREFIXES[i % 10]}{i:06d}{'ABCD'[i % 4]}", "2026-01-01 00:00:00+00")
                  for i in range(OPERATIVES)))  # fmt: skip
            cursor.execute("SELECT min(id) FROM registry_operative")
            first_id = cursor.fetchone()[0]

            def card_rows():
                for n in range(CARDS):
                    type_id, months = card_types[n % len(card_types)]
                    expires = today + timedelta(days=rng.randrange(-700, 1100))
                    yield (first_id + (n % OPERATIVES), type_id, f"{50000000 + n}",
                           expires - timedelta(days=30 * months), expires, None)  # fmt: skip

            copy(raw, "registry_card",
                 ["operative_id", "card_type_id", "number", "issued_on", "expires_on", "cancelled_at"],
                 card_rows())  # fmt: skip
            copy(raw, "registry_hseresult",
                 ["operative_id", "number", "taken_on", "passed", "score", "expires_on"],
                 ((first_id + i * 10, f"HB{i:08d}", today - timedelta(days=200), True, 46, today + timedelta(days=500))
                  for i in range(EMPLOYEES)))  # fmt: skip
            # The names and the current card are filled from the operative's rows below.
            copy(raw, "employees_employment",
                 ["operative_id", "organisation_id", "office_id", "started_on", "left_on", "first_name", "last_name"],
                 ((first_id + i * 10, organisation.pk, offices[i % len(offices)].pk, date(2020, 1, 1), None, "", "")
                  for i in range(EMPLOYEES)))  # fmt: skip
            employment_summaries_fill()  # rows copied in bulk: their current card as the services would record it
            cursor.execute("ANALYZE")
        licensed(organisation)
    vacuum()
    print(f"Loaded in {time.monotonic() - started:.0f} s", flush=True)
    return organisation, primary


def vacuum() -> None:
    """What autovacuum does after a migration rewrites the employments (their summaries): the visibility map set
    again, so the list's keys are read from the index alone (without it each key costs a visit to the table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) employees_employment")


def licensed(organisation) -> None:
    """The bench organisation holds a licence to the Employer Portal (carried over: no licence application)."""
    from portal.licensing.models import Licence

    Licence.objects.get_or_create(organisation=organisation, defaults={"employer_portal": True, "ecs_check": True})


def measure(client, url: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> int:
    ensure_database()
    import django

    django.setup()
    from django.test import Client

    from portal.employees.models import Employment

    organisation, primary = load()
    client = Client()
    client.force_login(primary.user)
    employment = Employment.objects.filter(organisation=organisation).order_by("pk")[EMPLOYEES // 2]
    pages = {
        "employees list": "/portal/employees/",
        "employees list, page 200": "/portal/employees/?page=200",
        "employees, search by name": "/portal/employees/?q=Last0042",
        "employees, filter expiring": "/portal/employees/?status=expiring",
        "cards expiring soon": "/portal/employees/cards/expiring/",
        "expired cards": "/portal/employees/cards/expired/",
        "employee page": f"/portal/employees/{employment.pk}/",
        "portal home": "/portal/",
    }
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for name, url in pages.items():
        p50, p95, queries = measure(client, url)
        worst = max(worst, p95)
        print(f"{name:32} {p50:8.1f} {p95:8.1f} {queries:8d}", flush=True)
    print(f"worst p95: {worst:.1f} ms (target < 150 ms)")
    return 0 if worst < 150 else 1


if __name__ == "__main__":
    sys.exit(main())
