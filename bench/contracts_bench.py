"""ECS Check at scale: one contract with 5 tiers, 200 companies and 5,000 workers; 50,000 workers across contracts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecs_bench_contracts .venv/bin/python bench/contracts_bench.py

Creates the database if needed, loads the data once (COPY for the bulk, about 20 s), then measures through Django's
test client, signed in: the contract page as the client (first page, a page by number, the next page by its link,
the "needing attention" list), a tier-1 company's branch opened by the client, the contract page as a tier-3
company, the compliance summary (the selector alone, today and as at a past day), the workforce exports (CSV and
PDF, as at today and as at a past day), the API's workforce endpoint and card check, a spot check and the audit
summary. Prints p50/p95 and SQL query counts, and the load average (timings grow with it). Targets: p95 < 100 ms
for the pages and the summary, < 2 s for an export; exits 1 when one is missed.

The data: cards of the craft type carry an occupation and grade (Installation or Maintenance Electrician), one
operative in three has an older card besides the current one, every other one an HS&E pass, one card in 97 is
cancelled, one worker in five is an apprentice, and the contract has a requirement (Installation Electrician,
Approved Electrician or above, apprentices 1 in 4). Drop the database to load it again.
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_bench_contracts")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("ECS_API_REQUESTS_PER_MINUTE", "100000")

WORKERS, BIG_CONTRACT_WORKERS, OTHER_CONTRACTS = 50_000, 5_000, 45
TIERS = [2, 8, 30, 60, 100]  # companies per tier of the big contract: 200 in all
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
EXPORT_REQUESTS = int(os.environ.get("BENCH_EXPORT_REQUESTS", "5"))
CLIENT_NAME = "Bench Borough Council"


def ensure_database() -> None:
    import psycopg2

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    user = url.username or "postgres"
    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=user, dbname="postgres")
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


def _organisation(name: str, user_email: str | None = None):
    from portal.accounts.services import user_create
    from portal.licensing.models import Licence
    from portal.organisations import services
    from portal.organisations.permissions import ALL_FLAGS

    organisation = services.organisation_create(name=name)
    Licence.objects.create(organisation=organisation, employer_portal=True, ecs_check=True)
    portal_user = None
    if user_email:
        user = user_create(email=user_email, first_name="Bench", last_name=name.split()[-1], mobile="+447700123001")
        portal_user = services.portal_user_create(
            user=user, organisation=organisation, office=organisation.head_office, flags=set(ALL_FLAGS)
        )
    return organisation, portal_user


def load():
    from django.core.management import call_command
    from django.db import connection, transaction

    from portal.contracts.models import Contract, ContractParty, ContractRequirement, path_segment
    from portal.organisations.models import Organisation, PortalUser
    from portal.registry.models import CardType, Occupation

    call_command("migrate", verbosity=0)
    client_org = Organisation.objects.filter(name=CLIENT_NAME).first()
    if client_org is not None:
        contract = Contract.objects.get(client=client_org, name="Bench hospital wing")
        if not ContractRequirement.objects.filter(contract=contract).exists():
            print("Note: this database was loaded by an older version of this script (no requirement, no grades, "
                  "no older cards); drop it to load the current data.", flush=True)  # fmt: skip
        tier3 = ContractParty.objects.filter(contract=contract, tier=3).order_by("pk").first()
        return (
            contract,
            PortalUser.objects.get(organisation=client_org),
            PortalUser.objects.get(organisation_id=tier3.organisation_id),
        )
    print("Loading the benchmark data (once)...", flush=True)
    started = time.monotonic()
    rng = random.Random(11)
    today = date.today()
    with transaction.atomic():
        client_org, client_user = _organisation(CLIENT_NAME, "client@bench.example")
        other_clients = [_organisation(f"Bench Client {n}")[0] for n in range(OTHER_CONTRACTS)]
        companies = []
        for n in range(sum(TIERS)):
            companies.append(_organisation(f"Bench Subcontractor {n:03d}", f"company{n:03d}@bench.example"))
        contract = Contract.objects.create(
            client=client_org, name="Bench hospital wing", client_reference="BENCH-1", site_address="1 Bench Road",
            site_postcode="BT1 1AA", starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=400),
            status=Contract.Status.IN_PROGRESS, created_by=client_user.user,
        )  # fmt: skip
        parties, previous, n = [], [], 0
        for tier, count in enumerate(TIERS, start=1):
            level = []
            for i in range(count):
                parent = previous[i % len(previous)] if previous else None
                organisation, portal_user = companies[n]
                n += 1
                party = ContractParty.objects.create(
                    contract=contract, organisation=organisation, parent=parent, tier=tier, path="",
                    status=ContractParty.Status.ACCEPTED, invited_by=client_user.user, role=f"Tier {tier} works",
                )  # fmt: skip
                party.path = (parent.path if parent else "") + path_segment(party.pk)
                party.save(update_fields=["path"])
                level.append(party)
            parties += level
            previous = level
        others = []
        for n, other_client in enumerate(other_clients):
            other = Contract.objects.create(
                client=other_client, name=f"Bench contract {n}", site_address="2 Bench Road", site_postcode="BT2 2AA",
                starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300),
                status=Contract.Status.IN_PROGRESS, created_by=client_user.user,
            )  # fmt: skip
            organisation, _ = companies[n]
            party = ContractParty.objects.create(
                contract=other, organisation=organisation, tier=1, path="", status=ContractParty.Status.ACCEPTED,
                invited_by=client_user.user,
            )  # fmt: skip
            party.path = path_segment(party.pk)
            party.save(update_fields=["path"])
            others.append((other, party))
        card_types = list(CardType.objects.values_list("pk", "duration_months").order_by("pk"))
        installation = Occupation.objects.get(name="Installation Electrician", card_type__pk=card_types[0][0])
        maintenance = Occupation.objects.get(name="Maintenance Electrician", card_type__pk=card_types[0][0])
        graded = [(installation.pk, grade.pk) for grade in installation.grades.order_by("position")] + [
            (maintenance.pk, grade.pk) for grade in maintenance.grades.order_by("position")
        ]
        ContractRequirement.objects.create(
            contract=contract, description="Electrical installation", occupation=installation,
            minimum_grade=installation.grades.get(name="Approved Electrician"), apprentice_ratio=4,
        )  # fmt: skip
        with connection.cursor() as cursor:
            raw = cursor.cursor
            copy(raw, "registry_operative",
                 ["title", "first_name", "last_name", "gender", "date_of_birth", "ni_number", "created_at"],
                 (("Mr", f"First{i % 997}", f"Last{i % 4999:04d}", "M", date(1960, 1, 1) + timedelta(days=i % 15000),
                   f"BC{i:06d}{'ABCD'[i % 4]}", "2026-01-01 00:00:00+00") for i in range(WORKERS)))  # fmt: skip
            cursor.execute("SELECT min(id) FROM registry_operative WHERE ni_number LIKE 'BC%%'")
            first = cursor.fetchone()[0]

            def cards():
                for i in range(WORKERS):
                    type_id, months = card_types[i % len(card_types)]
                    expires = today + timedelta(days=rng.randrange(-200, 1000))
                    cancelled = "2026-01-02 00:00:00+00" if i % 97 == 0 else None
                    occupation, grade = graded[i % len(graded)] if type_id == card_types[0][0] else (None, None)
                    issued = expires - timedelta(days=30 * months)
                    yield (first + i, type_id, f"{60000000 + i}", issued, expires, cancelled, occupation, grade)
                    if i % 3 == 0:  # the card before: expired on the day the current one was issued
                        yield (first + i, type_id, f"{70000000 + i}", issued - timedelta(days=30 * months), issued,
                               None, occupation, grade)  # fmt: skip

            card_columns = ["operative_id", "card_type_id", "number", "issued_on", "expires_on", "cancelled_at",
                            "occupation_id", "grade_id"]  # fmt: skip
            copy(raw, "registry_card", card_columns, cards())
            copy(raw, "registry_hseresult", ["operative_id", "number", "taken_on", "passed", "score", "expires_on"],
                 ((first + i, f"HC{i:08d}", today - timedelta(days=200), True, 46, today + timedelta(days=500))
                  for i in range(0, WORKERS, 2)))  # fmt: skip

            def owner(i):
                if i < BIG_CONTRACT_WORKERS:
                    party = parties[i % len(parties)]
                    return contract, party
                return others[(i - BIG_CONTRACT_WORKERS) % len(others)]

            placements = [owner(i) for i in range(WORKERS)]
            heads = {o.pk: o.head_office.pk for o, _ in companies}
            copy(raw, "employees_employment",
                 ["operative_id", "organisation_id", "office_id", "started_on", "left_on"],
                 ((first + i, p.organisation_id, heads[p.organisation_id], date(2020, 1, 1), None)
                  for i, (_, p) in enumerate(placements)))  # fmt: skip
            cursor.execute(
                "SELECT id FROM employees_employment WHERE operative_id >= %s ORDER BY operative_id", [first]
            )
            employment_ids = [row[0] for row in cursor.fetchall()]
            copy(raw, "contracts_contractworker",
                 ["contract_id", "party_id", "operative_id", "employment_id", "role", "on_from", "added_by_id",
                  "added_at"],
                 ((c.pk, p.pk, first + i, employment_ids[i], "apprentice" if i % 5 == 0 else "operative",
                   c.starts_on, client_user.user_id, "2026-01-03 00:00:00+00")
                  for i, (c, p) in enumerate(placements)))  # fmt: skip
            cursor.execute("ANALYZE")
    print(f"Loaded in {time.monotonic() - started:.0f} s", flush=True)
    tier3 = next(p for p in parties if p.tier == 3)
    return contract, client_user, PortalUser.objects.get(organisation_id=tier3.organisation_id)


def timed(call, n: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm
    times, queries = [], 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], queries


def next_link(client, url: str) -> str:
    """The page's Next link (it carries the sort key of the page's last row: the next page seeks to it)."""
    import re

    found = re.search(r'href="\?([^"#]*after=[^"#]*)[^"]*" rel="next"', client.get(url).text)
    return f"{url}?{found.group(1).replace('&amp;', '&')}" if found else f"{url}#no-next-link-with-a-cursor"


def get(client, url, **headers):
    def call():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return call


def main() -> int:
    ensure_database()
    import django

    django.setup()
    from django.test import Client

    from portal.contracts.selectors import compliance_summary
    from portal.sitechecks.services import api_key_create

    print(f"load average at the start (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    contract, client_user, company_user = load()
    from portal.contracts.models import ContractParty
    from portal.contracts.selectors import viewer_party_of

    company_party = viewer_party_of(contract, company_user.organisation_id)
    tier1 = ContractParty.objects.filter(contract=contract, tier=1).order_by("pk").first()
    client, company = Client(), Client()
    client.force_login(client_user.user)
    company.force_login(company_user.user)
    _, key = api_key_create(actor=client_user, name=f"Bench gate {time.time()}")
    today, past = date.today(), date.today() - timedelta(days=90)
    export = f"/portal/site-checks/contracts/{contract.pk}/export/"
    audit = f"/portal/site-checks/contracts/{contract.pk}/audit/"

    def spot_check():
        response = client.post("/portal/site-checks/spot-check/", {"contract": contract.pk, "number": "60000042"})
        assert response.status_code == 302, response.status_code

    workers_visible = company_party and contract.workers.filter(party__path__startswith=company_party.path).count()
    print(f"Contract: {contract.workers.count()} workers, {contract.parties.count()} companies in 5 tiers; "
          f"the tier-3 company sees {workers_visible}.")  # fmt: skip
    page = f"/portal/contracts/{contract.pk}/"
    cases = [
        ("contract page, client", get(client, page), REQUESTS, 100),
        ("contract page, client, p.50", get(client, f"{page}?page=50"), REQUESTS, 100),
        ("contract page, client, Next link", get(client, next_link(client, page)), REQUESTS, 100),
        ("tier-1 branch page, client", get(client, f"{page}companies/{tier1.pk}/"), REQUESTS, 100),
        ("contract page, needing attention", get(client, f"/portal/contracts/{contract.pk}/?status=attention"),
         REQUESTS, 100),
        ("contract page, tier-3 company", get(company, f"/portal/contracts/{contract.pk}/"), REQUESTS, 100),
        ("compliance summary (selector)", lambda: compliance_summary(contract, None), REQUESTS, 100),
        ("compliance summary, as at -90 d", lambda: compliance_summary(contract, None, as_at=past), REQUESTS, 100),
        ("spot check (POST)", spot_check, REQUESTS, 100),
        ("spot check audit summary", get(client, audit), REQUESTS, 100),
        ("API card check", get(client, "/api/v1/card-check?number=60000042&surname=Last0042", x_api_key=key),
         REQUESTS, 100),
        ("export CSV, today", get(client, f"{export}?as_at={today}&format=csv"), EXPORT_REQUESTS, 2000),
        ("export CSV, as at -90 d", get(client, f"{export}?as_at={past}&format=csv"), EXPORT_REQUESTS, 2000),
        ("export PDF, today", get(client, f"{export}?as_at={today}&format=pdf"), EXPORT_REQUESTS, 2000),
        ("API workforce (5,000, JSON)", get(client, f"/api/v1/contracts/{contract.pk}/workers", x_api_key=key),
         EXPORT_REQUESTS, 2000),
    ]  # fmt: skip
    print(f"{'what':36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'target':>8}")
    failed = []
    for name, call, n, target in cases:
        try:
            p50, p95, queries = timed(call, n)
        except AssertionError as exc:  # a page that answers other than 200 (or is missing) fails its target
            print(f"{name:36} {'failed: ' + str(exc)[:120]}", flush=True)
            failed.append(name)
            continue
        print(f"{name:36} {p50:8.1f} {p95:8.1f} {queries:8d} {target:>8}", flush=True)
        if p95 >= target:
            failed.append(name)
    print("all within target" if not failed else f"over target: {', '.join(failed)}")
    # Timings on a shared machine grow with its load: say what it was.
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
