"""The employer portal's pages at national scale: 200,000 operatives, 300,000 cards, one organisation of 20,000
employees with 50,000 card applications (46,950 finished, 1,700 needing the employer) and 5,000 orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecs_portal_bench .venv/bin/python bench/portal_bench.py
    .venv/bin/python bench/portal_bench.py --requests 30 --only "portal home,employees list"

Creates the database if needed, migrates it, loads the data once (COPY; the same data every time: fixed seeds),
then requests each page through Django's test client as the organisation's Primary User (head office, every
permission) and prints p50/p95 response times, SQL query counts and page sizes. A search is posted first and kept in
the session, as the page does. Target: p95 < 50 ms for each page, queries that do not grow with the data.
Exit status 1 when a page misses the target.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_portal_bench")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

import employees_bench  # noqa: E402  (the same operatives, cards and employees)

APPLICATIONS, FINISHED, ORDERS, TARGET_MS = 50_000, 46_950, 5_000, 50.0
# The 3,050 open applications: the JIB's stages, then the four sections of Applications Requiring Attention.
OPEN = [
    ("received", 250), ("verifying", 400), ("conditional_hold", 100), ("verified", 200), ("approved", 200),
    ("prepared", 200), ("in_progress", 800), ("finalised", 400), ("ordered", 200), ("on_hold", 150),
    ("awaiting_endorsement", 150),
]  # fmt: skip


def load_applications(organisation, primary) -> None:
    """50,000 applications and 5,000 orders of the bench organisation (once)."""
    from django.db import connection, transaction

    from portal.applications.models import CardApplication
    from portal.employees.models import Employment
    from portal.registry.models import CardType

    if CardApplication.objects.filter(organisation=organisation).count() >= APPLICATIONS:
        return
    print("Loading the applications and orders (once)...", flush=True)
    started = time.monotonic()
    rng = random.Random(11)
    now = datetime.now(UTC).replace(microsecond=0)
    employments = list(
        Employment.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", "operative_id", "office_id")
    )
    card_types = list(CardType.objects.values_list("pk", flat=True))
    statuses = ["dispatched"] * (FINISHED - 2_000) + ["rejected"] * 2_000
    for status, n in OPEN:
        statuses += [status] * n
    assert len(statuses) == APPLICATIONS
    user_id = primary.user_id

    def rows():
        for n, status in enumerate(statuses):
            employment_id, operative_id, office_id = employments[(n * 7) % len(employments)]
            created = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 730))
            finished = status in ("dispatched", "rejected")
            paid = status not in ("in_progress", "finalised", "ordered")
            completed = created + timedelta(days=rng.randrange(5, 30)) if finished else None
            completed = min(completed, now) if completed else None
            yield (
                f"B{n:09d}", organisation.pk, office_id, employment_id, operative_id, card_types[n % len(card_types)],
                "initial", status, 4 if status != "in_progress" else 1 + n % 4, "", "", "", "[]", "", "",
                "f", "f", "{}", "", "", created, completed or created, user_id,
                "f", "t" if status == "awaiting_endorsement" else "f",
                created + timedelta(hours=1) if paid else None, completed,
                created + timedelta(minutes=30) if status != "in_progress" else None, "",
            )  # fmt: skip

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        employees_bench.copy(
            raw, "applications_cardapplication",
            ["reference", "organisation_id", "office_id", "employment_id", "operative_id", "card_type_id",
             "application_type", "status", "step", "business_phone", "business_email", "photo", "photo_problems",
             "hse_route", "hse_sitting", "registered_electrician", "qualified_supervisor", "pre_checks",
             "hold_reason", "decision_reason", "created_at", "updated_at", "created_by_id",
             "awaiting_grading_endorsement", "awaiting_supervisor_endorsement", "paid_at", "completed_at",
             "finalised_at", "dispatched_to"],
            rows(),
        )  # fmt: skip
        offices = list(organisation.offices.values_list("pk", flat=True))
        order_statuses = ["paid"] * (ORDERS - 600) + ["cancelled"] * 300 + ["open"] * 100
        order_statuses += ["awaiting_payment"] * 150 + ["awaiting_bacs"] * 50
        employees_bench.copy(
            raw, "orders_order",
            ["organisation_id", "kind", "status", "reference", "your_reference", "office_id", "billing_office_id",
             "accounts_contact", "delivery_attention", "created_by_id", "created_at", "paid_at", "payment_intent_id"],
            ((organisation.pk, "card_applications", status, f"BCH{n:07d}", f"PO {n}", offices[n % len(offices)],
              offices[n % len(offices)], "Accounts", "", user_id, now - timedelta(hours=n),
              now - timedelta(hours=n - 1) if status == "paid" else None, "")
             for n, status in enumerate(order_statuses)),
        )  # fmt: skip
        cursor.execute(
            "INSERT INTO orders_orderline (order_id, kind, description, quantity, unit_price_pence, discount_pence,"
            " vat_pence, total_pence, live, added_by_id, added_at)"
            " SELECT o.id, 'card_application', 'Card application', 1, 3600, 0, 600, 3600, TRUE, %s, o.created_at"
            " FROM orders_order o, generate_series(1, 10) WHERE o.organisation_id = %s",
            [user_id, organisation.pk],
        )
        cursor.execute("ANALYZE")
    print(f"Loaded in {time.monotonic() - started:.0f} s", flush=True)


def measure(client, url: str, requests: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95 + 0.5) - 1)]
    return statistics.median(times), p95, len(queries), len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    employees_bench.ensure_database()
    import django

    django.setup()
    from django.test import Client

    from portal.employees.models import Employment

    organisation, primary = employees_bench.load()
    load_applications(organisation, primary)
    from portal.wsgi import tune_garbage_collection

    tune_garbage_collection()  # as the web's entry point does once the application is loaded
    client = Client()
    client.force_login(primary.user)
    employment = Employment.objects.filter(organisation=organisation).order_by("pk")[employees_bench.EMPLOYEES // 2]
    search = {"q": "Last0042", "office": "", "status": "", "sort": "name"}
    pages = {
        "employees list": ("/portal/employees/", None),
        "employees list, page 200": ("/portal/employees/?page=200", None),
        "employees, search by name": ("/portal/employees/", search),
        "employees, search two words": ("/portal/employees/", {**search, "q": "Last0042 First1"}),
        "employees, filter expiring": ("/portal/employees/", {**search, "q": "", "status": "expiring"}),
        "cards expiring soon": ("/portal/employees/cards/expiring/", None),
        "expired cards": ("/portal/employees/cards/expired/", None),
        "employee page": (f"/portal/employees/{employment.pk}/", None),
        "portal home": ("/portal/", None),
        "applications requiring attention": ("/portal/applications/", None),
        "applications being produced": ("/portal/applications/produced/", None),
        "applications completed": ("/portal/applications/completed/", None),
        "applications completed, page 100": ("/portal/applications/completed/?page=100", None),
        "orders requiring attention": ("/portal/orders/", None),
        "orders being fulfilled": ("/portal/orders/being-fulfilled/", None),
    }
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {args.requests} requests a page")
    print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'kB':>7}")
    missed = []
    for name, (url, posted) in pages.items():
        if only and name not in only:
            continue
        client.post("/portal/employees/", {"clear": "1"})
        if posted:
            response = client.post(url, posted)
            assert response.status_code == 302, (name, response.status_code)
        p50, p95, queries, size = measure(client, url, args.requests)
        if p95 >= TARGET_MS:
            missed.append(name)
        print(f"{name:36} {p50:8.1f} {p95:8.1f} {queries:8d} {size / 1024:7.0f}", flush=True)
    client.post("/portal/employees/", {"clear": "1"})
    print(f"load average {os.getloadavg()[0]:.2f}; over {TARGET_MS:.0f} ms at p95: {', '.join(missed) or 'none'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
