"""Automated steps per second through the outbox, the relay, Prefect and the task workers, and the CPU they cost.

    .venv/bin/python bench/throughput_bench.py                                # 200 steps; 1 and 2 workers;
                                                                              # one run per step, then groups
    .venv/bin/python bench/throughput_bench.py --steps 300 --workers 2 --batch 20 --prefect-db postgres

For each combination of task workers (--workers) and group size (--batch: ECS_JOB_BATCH, 1 = one Prefect task run
per step, as before grouping), it starts the task workers and one relay, then records STEPS licence applications
in one transaction (each records its automated checks step and an acknowledgement e-mail in the outbox: all become
due at once) and times from the commit until every checks step is done (the e-mails run alongside). It prints
steps per second and the CPU seconds per step of the workers, the relay and the Prefect server (from /proc;
PostgreSQL's own CPU and the bench process recording the applications are left out). The Prefect server runs on
SQLite under /tmp (the embedded default) or on PostgreSQL (`--prefect-db postgres`, the cluster shape), on a port
of its own. Django runs on PostgreSQL (DATABASE_URL, default ecs_throughput_bench, created if needed).
"""

import argparse
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
PREFECT_HOME = Path("/tmp/ecs-throughput-bench-prefect")
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
        subprocess.Popen(command("tasks.worker", i), cwd=ROOT, env=env_for(args, **extra), stdout=logs,
                         stderr=subprocess.STDOUT)
        for i in range(workers)
    ]  # fmt: skip
    relay = subprocess.Popen(command("tasks.relay"), cwd=ROOT, env=env_for(args, **extra),
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


def latency(args, server: subprocess.Popen) -> None:
    """With one task worker and the relay running (steps grouped): the time from a commit to its step being done,
    one step at a time (a quiet system), and the time a web request takes that records a step while a burst of
    them keeps the relay, Prefect and the worker busy (the request never waits for Prefect)."""
    import threading

    from django.db import connection, transaction
    from django.test import Client

    extra = {"ECS_JOB_BATCH": "20", "ECS_TASK_WORKERS": "1"}
    logs = open(PREFECT_HOME / "latency.log", "w")  # noqa: SIM115 - the processes' output
    procs = [subprocess.Popen([sys.executable, "-m", module], cwd=ROOT, env=env_for(args, **extra), stdout=logs,
                              stderr=subprocess.STDOUT) for module in ("tasks.worker", "tasks.relay")]  # fmt: skip
    try:
        time.sleep(args.warmup)
        waits = []
        for _ in range(args.latency):
            with transaction.atomic():
                ids = record_steps(1)
            started = time.monotonic()
            while not steps_done(ids) and time.monotonic() < started + 30:
                time.sleep(0.01)
            waits.append(time.monotonic() - started)
            time.sleep(0.3)
        print(f"commit -> step done, one at a time ({len(waits)}): p50 {percentile(waits, 0.5):.2f} s, "
              f"p95 {percentile(waits, 0.95):.2f} s; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        connection.close()
        from tests.licence_helpers import VALID  # the public form's fields, as a person fills them in

        data = {**VALID, "companies_house_number": "N/A"}
        timings, statuses, lock = [], [], threading.Lock()

        def post(count: int, start: int) -> None:
            client = Client()
            try:
                for i in range(start, start + count):
                    began = time.perf_counter()
                    response = client.post(
                        "/apply/", {**data, "primary_email": f"burst{time.time_ns()}-{i}@ex.example"}
                    )
                    with lock:
                        timings.append(time.perf_counter() - began)
                        statuses.append(response.status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=post, args=(args.burst // 8, n * 1000)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        refused = sum(1 for s in statuses if s != 302)
        p50 = 1000 * percentile(timings, 0.5)
        p95, worst = 1000 * percentile(timings, 0.95), 1000 * max(timings)
        print(f"licence submissions in a burst of {len(timings)} (8 at a time): p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
              f"max {worst:.0f} ms, {refused} not accepted; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)


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
    parser.add_argument("--batch", default="1,20", help="ECS_JOB_BATCH values (1: one task run per step)")
    parser.add_argument("--prefect-db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--prefect-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/ecs_throughput_bench_prefect"
    )
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds for the workers to connect")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--latency", type=int, default=0, help="steps timed one at a time, commit to done")
    parser.add_argument("--burst", type=int, default=0, help="licence submissions posted in a burst, timed")
    parser.add_argument("--profile", default="", help="a folder: record the workers and the relay with py-spy")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    args = parser.parse_args()
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
        if args.latency or args.burst:
            latency(args, server)
        for batch in [int(b) for b in args.batch.split(",") if b]:
            for workers in [int(w) for w in args.workers.split(",")]:
                row = run(args, server, workers=workers, batch=batch)
                rows.append(row)
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
    return 0 if all(r["done"] == r["steps"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
