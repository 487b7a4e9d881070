"""Automated steps per second through the outbox, the relay, Prefect and the task workers, and the CPU they cost.

    .venv/bin/python bench/throughput_bench.py          # everything issue 17 asks, < 5 minutes on a quiet machine
    .venv/bin/python bench/throughput_bench.py --latency 0 --burst 0 --batch 1,20   # steps/s only, before/after
    .venv/bin/python bench/throughput_bench.py --steps 300 --workers 2 --prefect-db postgres

First (unless --latency 0 --burst 0), with one task worker and the relay: the time from a commit to its automated
step being done, one step at a time (LATENCY of them; p50/p95, and where the time went from the Prefect server's
records); then licence submissions over HTTP to gunicorn (2 workers, as bench/load_bench.py starts it) from
CLIENTS client processes, BURST of them with Prefect idle and BURST while BURST steps fall due at once (p50, p95,
max; each submission's step must then finish). Then, for each combination of task workers (--workers) and group
size (--batch: ECS_JOB_BATCH, 1 = one Prefect task run per step, as before grouping), it starts the task workers
and one relay, then records STEPS licence applications in one transaction (each records its automated checks step
in the outbox: all become due at once) and times from the commit until every checks step is done. It prints steps
per second and the CPU seconds per step of the workers, the relay and the Prefect server (from /proc;
PostgreSQL's own CPU and the bench process recording the applications are left out). The Prefect server runs on
SQLite under /tmp (the embedded default) or on PostgreSQL (`--prefect-db postgres`, the cluster shape), on a port
of its own. Django runs on PostgreSQL (DATABASE_URL, default ecs_throughput_bench, created if needed).

Exit status 1 when a target is missed: every row at least --rate-target steps/s (20), commit to step within
--latency-target (p50 0.20 s, p95 0.23 s), the submissions' p95 within --hand-off-target (150 ms), or anything
lost (a submission not accepted, a step not done).
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_throughput_bench")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

PORT = int(os.environ.get("BENCH_PREFECT_PORT", "4291"))
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8292"))
PREFECT_HOME = Path(os.environ.get("BENCH_PREFECT_HOME", "/tmp/ecs-throughput-bench-prefect"))
CLOCK = os.sysconf("SC_CLK_TCK")


def create_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                            dbname="postgres")  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cur:
        name = parts.path.lstrip("/")
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes and their waited-for children."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / CLOCK


def descendants(pid: int) -> list[int]:
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if Path(f"/proc/{pid}").exists() else []:
        found += descendants(int(child))
    return found


def env_for(args, **extra) -> dict:
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PREFECT_HOME": str(PREFECT_HOME),
        "PREFECT_API_URL": f"http://127.0.0.1:{PORT}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(PORT),
        # As docker-compose.yml runs the web, the relay and the workers: connections kept for a minute.
        # (ocr_throughput_bench.py shares this harness without these two options.)
        "CONN_MAX_AGE": str(getattr(args, "conn_max_age", 60)),
        **({"ECS_BACKGROUND_NICE": str(nice)} if (nice := getattr(args, "background_nice", None)) is not None else {}),
        **extra,
    }
    if args.prefect_db == "postgres":
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = args.prefect_url
    return env


def start_prefect(args) -> subprocess.Popen:
    shutil.rmtree(PREFECT_HOME, ignore_errors=True)
    PREFECT_HOME.mkdir(parents=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(PORT)],
        env=env_for(args), stdout=subprocess.DEVNULL, stderr=open(PREFECT_HOME / "server.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/health", timeout=2)
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the Prefect server did not start: see {PREFECT_HOME / 'server.log'}") from None
            time.sleep(0.5)


def record_steps(n: int) -> list[int]:
    """n licence applications, as the public form submits them: each records its checks step in the outbox."""
    from portal.licensing import services
    from portal.licensing.demo import APPLICATIONS
    from portal.licensing.models import MembershipRecord

    MembershipRecord.objects.get_or_create(scheme="jib", number="JIB20001", defaults={"company_name": "Northern"})
    data = {**APPLICATIONS[0], "companies_house_number": "N/A", "eca_membership_number": ""}
    stamp = int(time.time())
    return [
        services.licence_application_submit(
            data={**data, "primary_email": f"bench{stamp}-{i}@northernsparks.example", "signed_on": date.today()}
        ).pk
        for i in range(n)
    ]


def steps_done(application_ids: list[int]) -> int:
    from viewflow.workflow.status import STATUS

    from workflows.licence.flows import LicenceFlow
    from workflows.licence.models import LicenceProcess

    processes = LicenceProcess.objects.filter(artifact_object_id__in=application_ids).values("pk")
    return LicenceFlow.task_class.objects.filter(
        process__in=processes, flow_task=LicenceFlow.checks, status=STATUS.DONE
    ).count()


def run(args, server: subprocess.Popen, *, workers: int, batch: int) -> dict:
    from django.db import connection

    from portal.core.models import BackgroundJob

    BackgroundJob.objects.filter(handed_at__isnull=True).update(handed_at=time.strftime("%Y-%m-%dT%H:%M:%SZ"))
    connection.close()
    extra = {"ECS_JOB_BATCH": str(batch), "ECS_TASK_WORKERS": str(workers)}
    logs = open(PREFECT_HOME / f"run-w{workers}-b{batch}.log", "w")  # noqa: SIM115 - the processes' output

    def command(module: str, i: int = 0) -> list[str]:
        if not args.profile:
            return [sys.executable, "-m", module]
        out = Path(args.profile) / f"{module}-w{workers}-b{batch}-{i}.txt"
        return [args.py_spy, "record", "--format", "raw", "-r", "50", "-o", str(out), "--", sys.executable, "-m",
                module]  # fmt: skip

    procs = [
        subprocess.Popen(command("tasks.worker", i), cwd=args.code, env=env_for(args, **extra), stdout=logs,
                         stderr=subprocess.STDOUT)
        for i in range(workers)
    ]  # fmt: skip
    relay = subprocess.Popen(command("tasks.relay"), cwd=args.code, env=env_for(args, **extra),
                             stdout=logs, stderr=subprocess.STDOUT)  # fmt: skip
    time.sleep(args.warmup)
    running = [p.pid for p in procs]
    before = {"workers": cpu_seconds(running), "relay": cpu_seconds([relay.pid]),
              "server": cpu_seconds(descendants(server.pid))}  # fmt: skip
    from django.db import transaction

    with transaction.atomic():  # the burst: every step becomes due at once, when this commits
        ids = record_steps(args.steps)
    started = time.monotonic()
    done, deadline = 0, started + args.timeout
    try:
        while done < len(ids) and time.monotonic() < deadline:
            time.sleep(0.5)
            done = steps_done(ids)
        elapsed = time.monotonic() - started
        cpu = {
            "workers": cpu_seconds(running) - before["workers"],
            "relay": cpu_seconds([relay.pid]) - before["relay"],
            "server": cpu_seconds(descendants(server.pid)) - before["server"],
        }
    finally:
        for proc in [relay, *procs]:
            proc.send_signal(signal.SIGINT) if args.profile else proc.terminate()
        for proc in [relay, *procs]:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        connection.close()
    return {"workers": workers, "batch": batch, "done": done, "steps": len(ids), "seconds": elapsed, "cpu": cpu}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)] if ordered else float("nan")


def start_web(args) -> subprocess.Popen:
    """gunicorn with 2 sync workers on the bench's database, as bench/load_bench.py starts it."""
    env = {**env_for(args), "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{WEB_PORT}",
         "--workers", str(args.web_workers), "--error-logfile", str(PREFECT_HOME / "web.log")],
        cwd=args.code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/apply/", timeout=5)
            for _ in range(4 * args.web_workers):  # every worker's first request (imports, templates) not timed
                urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/apply/", timeout=30).read()
            return web
        except OSError:
            if time.monotonic() > deadline or web.poll() is not None:
                raise RuntimeError(f"gunicorn did not start: see {PREFECT_HOME / 'web.log'}") from None
            time.sleep(0.5)


def submit_over_http(job: tuple[int, int, str]) -> list[tuple[float, int, str]]:
    """One client (its own process): `count` licence applications through the public form, each as a person sends
    it (the form's page, then the POST with its CSRF token). Returns each POST's seconds, status and e-mail."""
    import http.cookiejar
    import re
    from urllib.parse import urlencode

    import django

    django.setup()
    from tests.licence_helpers import VALID

    client, count, tag = job
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    url = f"http://127.0.0.1:{WEB_PORT}/apply/"
    timings = []
    for i in range(count):
        page = opener.open(url, timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        email = f"{tag}-{client}-{i}@http.example"
        fields = {**VALID, "companies_house_number": "N/A", "primary_email": email, "csrfmiddlewaretoken": token}
        body = urlencode(fields, doseq=True).encode()
        began = time.perf_counter()
        try:
            with opener.open(urllib.request.Request(url, data=body, headers={"Referer": url}), timeout=60) as reply:
                status = reply.status
        except urllib.error.HTTPError as reply:
            status = reply.code
        timings.append((time.perf_counter() - began, status, email))
    return timings


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def latency(args, server: subprocess.Popen) -> bool:
    """With one task worker and the relay running (steps grouped): the time from a commit to its step being done,
    one step at a time (a quiet system); then licence submissions over HTTP to gunicorn (2 workers) from client
    processes while a burst of steps keeps the relay, Prefect and the worker busy (a request records its job in
    the outbox and never waits for Prefect). Returns whether every submission was accepted and its step done."""
    from django.db import connection, transaction

    extra = {"ECS_TASK_WORKERS": "1"}
    logs = open(PREFECT_HOME / "latency.log", "w")  # noqa: SIM115 - the processes' output
    procs = [subprocess.Popen([sys.executable, "-m", module], cwd=args.code, env=env_for(args, **extra), stdout=logs,
                              stderr=subprocess.STDOUT) for module in ("tasks.worker", "tasks.relay")]  # fmt: skip
    web = start_web(args) if args.burst else None
    ok = True
    try:
        time.sleep(args.warmup)
        waits, commits = [], []
        for _ in range(args.latency):
            with transaction.atomic():
                ids = record_steps(1)
            started = time.monotonic()
            commits.append(time.time())
            while not steps_done(ids) and time.monotonic() < started + 30:
                time.sleep(0.005)
            waits.append(time.monotonic() - started)
            time.sleep(0.3)
        if waits:
            p50, p95 = percentile(waits, 0.5), percentile(waits, 0.95)
            print(f"commit -> step done, one at a time ({len(waits)}): p50 {p50:.2f} s, p95 {p95:.2f} s; "
                  f"load average {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
            print_stages(args, commits)
            ok = p50 <= args.latency_target[0] and p95 <= args.latency_target[1]
        if not args.burst:
            return ok
        # The same submissions twice: with the relay, Prefect and the worker idle, then while `burst` steps fall due
        # at once and keep them busy (Prefect's share of the requests' time is the difference).
        with client_pool(args) as pool:
            quiet = submissions(args, f"quiet{time.time_ns()}", idle=True, pool=pool)
            with transaction.atomic():
                record_steps(args.burst)
            connection.close()
            busy = submissions(args, f"burst{time.time_ns()}", idle=False, pool=pool)
        ok = ok and quiet and busy
    finally:
        for proc in [*procs, *([web] if web else [])]:
            proc.terminate()
        for proc in [*procs, *([web] if web else [])]:
            proc.wait(20)
    return ok


def print_stages(args, commits: list[float]) -> None:
    """Where the one-at-a-time steps' time went, from the Prefect server's own records of their task runs (on
    SQLite only): the relay (commit to the run created: its wake-up, claim and create_run), the pick-up (created to
    running on the worker: delivery and the run's set-up) and the run itself (the step, and the run's states
    reported). The rest of commit -> step done is this script's polling (every 5 ms)."""
    import sqlite3
    from datetime import datetime

    if args.prefect_db != "sqlite":
        return
    with contextlib.closing(sqlite3.connect(PREFECT_HOME / "prefect.db")) as db:
        rows = db.execute(
            "SELECT created, start_time, end_time FROM task_run WHERE name LIKE 'run-job%' AND end_time IS NOT NULL "
            "ORDER BY created DESC LIMIT ?",
            [len(commits)],
        ).fetchall()
    if not rows:
        return
    stamp = datetime.fromisoformat
    rows.reverse()  # oldest first, as the commits
    relay = [stamp(created).timestamp() - commit for (created, _, _), commit in zip(rows, commits, strict=False)]
    pick_up = [(stamp(start) - stamp(created)).total_seconds() for created, start, _ in rows]
    running = [(stamp(end) - stamp(start)).total_seconds() for _, start, end in rows]
    print(f"  of which, p50 / p95: commit -> run created (the relay) {percentile(relay, 0.5):.3f} / "
          f"{percentile(relay, 0.95):.3f} s, created -> running on the worker {percentile(pick_up, 0.5):.3f} / "
          f"{percentile(pick_up, 0.95):.3f} s, running -> done {percentile(running, 0.5):.3f} / "
          f"{percentile(running, 0.95):.3f} s")  # fmt: skip


def client_pool(args):
    """The client processes, started and set up (Django imported) before any submission is timed: their start-up
    (~1 CPU-s each) would otherwise compete with the first timed requests."""
    import multiprocessing

    import django

    pool = multiprocessing.get_context("spawn").Pool(args.clients, initializer=django.setup)
    pool.map(time.sleep, [0.2] * args.clients * 2)
    return pool


def submissions(args, tag: str, *, idle: bool, pool) -> bool:
    """`burst` licence submissions over HTTP from `clients` processes: prints p50/p95/max, waits for their steps;
    True when all were accepted, all their steps done and the p95 within the target."""
    from portal.licensing.models import LicenceApplication

    per_client = [args.burst // args.clients + (1 if c < args.burst % args.clients else 0) for c in range(args.clients)]
    load = os.getloadavg()[0]
    began = time.monotonic()
    results = [r for rs in pool.map(submit_over_http, [(c, n, tag) for c, n in enumerate(per_client)]) for r in rs]
    seconds = time.monotonic() - began
    timings = [r[0] for r in results]
    refused = sum(1 for r in results if r[1] != 302)
    p50, p95, worst = 1000 * percentile(timings, 0.5), 1000 * percentile(timings, 0.95), 1000 * max(timings)
    when = "Prefect idle" if idle else f"during a burst of {args.burst} steps"
    print(f"hand-off: {len(timings)} licence submissions over HTTP ({args.clients} clients, gunicorn "
          f"{args.web_workers} workers), {when}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms, "
          f"{refused} not accepted, {seconds:.1f} s; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after",
          flush=True)  # fmt: skip
    ids = list(LicenceApplication.objects.filter(primary_email__startswith=tag).values_list("pk", flat=True))
    deadline = time.monotonic() + args.timeout
    while steps_done(ids) < len(results) and time.monotonic() < deadline:
        time.sleep(0.5)
    done = steps_done(ids)
    print(f"  their steps done: {done} of {len(results)}, {time.monotonic() - began:.1f} s after the first", flush=True)
    return refused == 0 and done == len(results) and p95 < args.hand_off_target


def profile_summary(path: Path, top: int = 18) -> list[str]:
    """The functions most often on the stack in a py-spy raw profile (share of samples, inclusive), leaving out
    the process's start (imports, Django's set-up)."""
    counts: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if "_find_and_load" in stack or "Apps.populate" in stack:
            continue
        total += int(n)
        seen = set()
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            key = f"{name} ({where.split(':')[0].split('site-packages/')[-1]})"
            if key not in seen:
                seen.add(key)
                counts[key] = counts.get(key, 0) + int(n)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:top]
    return [f"{100 * n / max(total, 1):5.1f}%  {key}" for key, n in ranked]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--batch", default="20", help="ECS_JOB_BATCH values (1: one task run per step, as before)")
    parser.add_argument("--prefect-db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--prefect-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/ecs_throughput_bench_prefect"
    )
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds for the workers to connect")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--latency", type=int, default=20, help="steps timed one at a time, commit to done")
    parser.add_argument("--latency-target", type=lambda v: [float(x) for x in v.split(",")], default=[0.20, 0.23],
                        help="p50,p95 seconds from commit to step done")  # fmt: skip
    parser.add_argument("--rate-target", type=float, default=20.0, help="steps a second, for every row")
    parser.add_argument("--burst", type=int, default=200,
                        help="steps due at once, and as many submissions over HTTP meanwhile, timed")  # fmt: skip
    parser.add_argument("--clients", type=int, default=4, help="client processes posting the submissions")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn's workers")
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="CONN_MAX_AGE of the web, relay and workers (docker-compose.yml: 60; 0 closes each "
                             "request's connection)")  # fmt: skip
    parser.add_argument(
        "--background-nice",
        type=int,
        default=None,
        help="ECS_BACKGROUND_NICE of the relay and workers (default: the project's, 10; 0: the web's CPU priority)",
    )
    parser.add_argument("--hand-off-target", type=float, default=150.0, help="p95 ms a submission may take")
    parser.add_argument("--before", default="",
                        help="a folder with other code (e.g. `git archive` of an earlier commit): each round measures "
                             "it, then this checkout, on the same Prefect server and database")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=1, help="rounds of the measurements (with --before: pairs)")
    parser.add_argument("--profile", default="", help="a folder: record the workers and the relay with py-spy")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy"))
    args = parser.parse_args()
    args.code = ROOT
    create_database(os.environ["DATABASE_URL"])
    if args.prefect_db == "postgres":
        create_database(args.prefect_url.replace("postgresql+asyncpg", "postgres"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    server = start_prefect(args)
    rows = []
    try:
        print(f"Prefect server on {args.prefect_db}; {args.steps} steps a run; load average {os.getloadavg()[0]:.2f}")
        print(f"{'workers':>7} {'batch':>5} {'done':>9} {'seconds':>8} {'steps/s':>8} {'CPU-s/step':>10} "
              f"{'worker':>7} {'relay':>6} {'server':>7} {'load':>5}")  # fmt: skip
        # With --before, each round runs the same measurements on that code, then on this checkout's.
        codes = [("before", Path(args.before).resolve()), ("after", ROOT)] if args.before else [("", ROOT)]
        latency_ok = True
        for round_ in range(args.rounds):
            for label, code in codes:
                args.code = code
                if label:
                    print(f"-- round {round_ + 1}, {label}: the web, relay and workers from {code}", flush=True)
                ok = latency(args, server) if args.latency or args.burst else True
                latency_ok = latency_ok and (ok or label == "before")
                for batch in [int(b) for b in args.batch.split(",") if b]:
                    for workers in [int(w) for w in args.workers.split(",")]:
                        row = run(args, server, workers=workers, batch=batch)
                        rows.append({**row, "label": label})
                        cpu, n = row["cpu"], max(row["done"], 1)
                        rate, per_step = row["done"] / row["seconds"], sum(cpu.values()) / n
                        print(f"{workers:7d} {batch:5d} {row['done']:4d}/{row['steps']:<4d} {row['seconds']:8.1f} "
                              f"{rate:8.2f} {per_step:10.3f} {cpu['workers'] / n:7.3f} {cpu['relay'] / n:6.3f} "
                              f"{cpu['server'] / n:7.3f} {os.getloadavg()[0]:5.2f}", flush=True)  # fmt: skip
        for path in sorted(Path(args.profile).glob("*.txt")) if args.profile else []:
            print(f"\n{path.name}:")
            print("\n".join(profile_summary(path)))
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    fast = all(
        r["done"] == r["steps"] and r["done"] / r["seconds"] >= args.rate_target for r in rows if r["label"] != "before"
    )
    return 0 if latency_ok and fast else 1


if __name__ == "__main__":
    sys.exit(main())
