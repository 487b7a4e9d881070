"""The back office at national scale: My work, a team queue and a task page with 1,000,000 finished tasks in
history and 10,000 open in the Verification queue, on PostgreSQL. Target: p95 under 100 ms each, queries constant.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecs_bench_backoffice .venv/bin/python bench/backoffice_bench.py
    … --finished 100000 --open 10000          # a smaller history
    … --runs 60                              # requests per page (after 3 to warm up)
    … --url "Incidents=/backoffice/incidents/@leader"     # another page: NAME=PATH[@verifier|leader]
    … --viewflow                              # also time viewflow's own inbox and queue, for comparison
    … --only queue                            # only the pages whose name has "queue"; BENCH_SHOW_QUERIES=1 shows the
                                             # slowest queries of each page

The data is made once per database (bench/backoffice_data.py, bulk SQL) and reused on the next run.

More pages: add a Page to PAGES below (a URL name, or a function of the bench's context for a URL that needs data),
or pass --url. A page whose URL name does not resolve on this branch is reported as skipped.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_bench_backoffice")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

TARGET_MS = 100.0


@dataclass
class Page:
    name: str
    who: str  # "verifier" or "leader": the bench's staff member who opens it
    url: str | Callable[[dict], str]  # a URL name ("tasklist:my_work"), a path, or a function of the context


def _queue(ctx):
    from django.urls import reverse

    return reverse("tasklist:queue", args=["verification"])


PAGES = [
    Page("My work (a verifier holding 384)", "verifier", "tasklist:my_work"),
    Page("Verification queue (10,000 open)", "leader", _queue),
    Page("Verification queue, page 100", "leader", lambda ctx: _queue(ctx) + "?page=100"),
    Page("Verification queue, search by surname", "leader", lambda ctx: _queue(ctx) + "?q=Surname01234"),
    Page("Verification queue, late and urgent", "leader", lambda ctx: _queue(ctx) + "?due=overdue&priority=urgent"),
    Page("Team queues (counts)", "leader", "tasklist:queues"),
    Page("Task page (verify, held by the verifier)", "verifier", lambda ctx: ctx["task_url"]),
    # Pages of other parts of the back office, when they are there:
    Page("Incidents", "leader", "incidents:list"),
    Page("Incidents, page 10", "leader", lambda ctx: _url("incidents:list") + "?page=10"),
    Page("Incident page", "leader", lambda ctx: _url("incidents:detail", ctx["incident"])),
    Page("Casework dashboard", "leader", "casework_dashboard"),
    Page("Card application dashboard (30 days)", "leader", lambda ctx: _url("dashboards:flow", "cardapplication")),
    Page(
        "Card application dashboard (90 days, Verif.)",
        "leader",
        lambda ctx: _url("dashboards:flow", "cardapplication") + "?days=90&team=verification",
    ),
    Page(
        "Card application dashboard (7 days)",
        "leader",
        lambda ctx: _url("dashboards:flow", "cardapplication") + "?days=7",
    ),
    Page(
        "Dashboard CSV (90 days)",
        "leader",
        lambda ctx: _url("dashboards:flow", "cardapplication") + "?days=90&format=csv",
    ),
    Page(
        "Dashboard cases: at verify now",
        "leader",
        lambda ctx: _url("dashboards:cases", "cardapplication") + "?state=live&step=verify",
    ),
    Page(
        "Dashboard cases: verify finished, 90 days",
        "leader",
        lambda ctx: _url("dashboards:cases", "cardapplication") + "?state=finished&step=verify&days=90",
    ),
]


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=list(args))


def make_incidents(count: int = 2_000) -> int:
    """Open incidents on the pre-checks of as many open cases (made once; the incidents list pages through them)."""
    from django.utils import timezone
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from workflows.card_application.flows import CardApplicationFlow as Flow
    from workflows.incidents.models import Incident

    first = Incident.objects.order_by("pk").first()
    if first is not None:
        return first.pk
    tasks = list(Flow.task_class.objects.filter(flow_task=Flow.verify, status="NEW").order_by("pk")[:count])
    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(
            task=task,
            process_id=task.process_id,
            flow_class=get_flow_ref(Flow),
            flow_task=get_task_ref(Flow.pre_checks),
            step="Automated pre-checks",
            case=f"ECS{task.process_id:07d} Bench Case",
            tries=4,
            opened_at=now,
            error="City & Guilds is unavailable (the service did not answer in time).",
        )  # fmt: skip
        for task in tasks
    )
    return Incident.objects.order_by("pk").first().pk


VIEWFLOW_PAGES = [
    Page("viewflow inbox (before)", "verifier", "workflow:inbox"),
    Page("viewflow queue (before)", "leader", "workflow:queue"),
]


def ensure_database() -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg2

    name = url.path.lstrip("/")
    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
                            dbname="postgres")  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def resolve(page: Page, ctx: dict) -> str | None:
    from django.urls import NoReverseMatch, reverse

    if callable(page.url):
        return page.url(ctx)
    if page.url.startswith("/"):
        return page.url
    try:
        return reverse(page.url)
    except NoReverseMatch:
        return None


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection

    for _ in range(3):
        response = client.get(url)
    status = response.status_code
    queries = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(count):
        response = client.get(url)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for took, sql in sorted(queries, reverse=True)[:5]:
            print(f"    {took * 1000:7.1f} ms  {sql[:300]}")
    size = len(response.content)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "status": status,
        "queries": len(queries),
        "kb": size / 1024,
        "db": sum(took for took, _ in queries) * 1000,
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)],
        "max": times[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--finished", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--url", action="append", default=[], help="NAME=PATH[@verifier|leader]")
    parser.add_argument("--viewflow", action="store_true", help="also time viewflow's own inbox and queue")
    parser.add_argument("--only", default="", help="time only the pages whose name contains this")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import get_resolver
    from viewflow.workflow.models import Task

    from bench.backoffice_data import make_backoffice_data
    from workflows.card_application.flows import CardApplicationFlow

    call_command("migrate", verbosity=0)
    staff = make_backoffice_data(finished_tasks=args.finished, open_tasks=args.open)
    clients = {}
    for who, user in staff.items():
        clients[who] = Client()
        clients[who].force_login(user)
    get_resolver().url_patterns  # noqa: B018  (loads the URLs, so the flows' nodes can reverse theirs)
    held = Task.objects.filter(flow_task=CardApplicationFlow.verify, owner=staff["verifier"], status="ASSIGNED")
    task = held.order_by("pk").first()
    index = task.flow_task.reverse("index", args=[task.process_id, task.pk])
    landing = clients["verifier"].get(index)
    ctx = {"task_url": landing["Location"] if landing.status_code == 302 else index}
    try:
        ctx["incident"] = make_incidents()
    except LookupError:  # no incidents on this branch
        ctx["incident"] = 0

    pages = list(PAGES) + (VIEWFLOW_PAGES if args.viewflow else [])
    for extra in args.url:
        name, _, rest = extra.partition("=")
        path, _, who = rest.partition("@")
        pages.append(Page(name, who or "leader", path))

    print(f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'page':<44} {'status':>6} {'queries':>7} {'db ms':>6} {'KB':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    worst = 0.0
    for page in pages:
        if args.only and args.only.lower() not in page.name.lower():
            continue
        url = resolve(page, ctx)
        if url is None:
            print(f"{page.name:<44} skipped: {page.url} is not on this branch")
            continue
        runs = args.runs if "before" not in page.name else max(5, args.runs // 4)
        result = measure(clients[page.who], url, runs)
        if "before" not in page.name and result["status"] == 200:
            worst = max(worst, result["p95"])
        print(f"{page.name:<44} {result['status']:>6} {result['queries']:>7} {result['db']:>6.1f} {result['kb']:>5.0f} "
              f"{result['p50']:>7.1f} {result['p95']:>7.1f} {result['max']:>7.1f}", flush=True)  # fmt: skip
    met = worst < TARGET_MS
    print(f"target: p95 under {TARGET_MS:.0f} ms on every page -> {'met' if met else 'NOT met'} (worst {worst:.0f} ms)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
