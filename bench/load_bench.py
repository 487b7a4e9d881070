"""Load: 50 signed-in employer users and 10 JIB staff working their usual journeys (bench/locustfile.py) for five
minutes against gunicorn (2 sync workers) on PostgreSQL with the national-scale data of bench/portal_bench.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecs_portal_bench .venv/bin/python bench/load_bench.py
    .venv/bin/python bench/load_bench.py --minutes 1 --employers 10 --staff 2      # a short try

Loads the data if needed (as bench/portal_bench.py does), adds the users (employer users at head office and at
regions, JIB staff in every team) and signs each in once (a session per person, as after the two factors), starts
gunicorn on a port of its own, runs locust headless (`pip install -r requirements-dev.txt`: locust is pinned there;
LOCUST names another locust command), and prints requests per second, p50/p95 per page, errors, and the peak
memory (VmHWM) of each gunicorn process. Exit status 1 when any request failed.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_portal_bench")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

import employees_bench  # noqa: E402
import portal_bench  # noqa: E402

PORT = int(os.environ.get("BENCH_WEB_PORT", "8291"))
OUT = Path("/tmp/ecs-load-bench")


def users(organisation, *, employers: int, staff: int) -> dict:
    """Session cookies for `employers` portal users and `staff` JIB staff, and what they look at."""
    from django.test import Client

    from portal.accounts.models import User
    from portal.accounts.services import jib_staff_create, user_create
    from portal.applications.selectors import applications_in_scope
    from portal.employees.selectors import employees_in_scope
    from portal.organisations import services
    from portal.organisations.models import PortalUser
    from portal.organisations.permissions import ALL_FLAGS

    regions = list(organisation.offices.filter(kind="region").order_by("pk"))
    cookies = {"employer": [], "staff": []}
    for i in range(employers):
        email = f"load-employer-{i}@bench.example"
        portal_user = PortalUser.objects.filter(user__email=email).first()
        if portal_user is None:
            user = user_create(email=email, first_name="Load", last_name=f"Employer{i}", mobile=f"+4477001{i:05d}")
            office = organisation.head_office if i % 5 < 3 or not regions else regions[i % len(regions)]
            portal_user = services.portal_user_create(user=user, organisation=organisation, office=office,
                                                      flags=set(ALL_FLAGS))  # fmt: skip
        client = Client()
        client.force_login(portal_user.user)
        # What this person looks at: employees and applications in their own office subtree.
        employments = employees_in_scope(portal_user).order_by("?").values_list("pk", flat=True)[:300]
        applications = applications_in_scope(portal_user).order_by("?").values_list("pk", flat=True)[:300]
        cookies["employer"].append(
            {"session": client.cookies["sessionid"].value, "employments": list(employments),
             "applications": list(applications)}
        )  # fmt: skip
    teams = ["licensing", "verification", "processing", "finance", "team_leader"]
    for i in range(staff):
        email = f"load-staff-{i}@jib.example"
        user = User.objects.filter(email=email).first() or jib_staff_create(
            email=email, first_name="Load", last_name=f"Staff{i}", mobile=f"+4477002{i:05d}", teams=teams
        )
        client = Client()
        client.force_login(user)
        cookies["staff"].append(client.cookies["sessionid"].value)
    return cookies


def peak_memory_mb(pid: int) -> dict[int, float]:
    """VmHWM (peak resident memory) of the process and its children, in MB."""
    found = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        status = Path(f"/proc/{current}/status")
        if not status.exists():
            continue
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                found[current] = int(line.split()[1]) / 1024
        children = Path(f"/proc/{current}/task/{current}/children")
        if children.exists():
            todo += [int(c) for c in children.read_text().split()]
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--employers", type=int, default=50)
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    employees_bench.ensure_database()
    import django

    django.setup()
    from django.db import connection

    organisation, primary = employees_bench.load()
    portal_bench.load_applications(organisation, primary)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    sessions = OUT / "users.json"
    sessions.write_text(json.dumps(users(organisation, employers=args.employers, staff=args.staff)))
    connection.close()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "ECS_LOAD_USERS": str(sessions)}
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers",
         str(args.web_workers), "--access-logfile", str(OUT / "access.log"), "--error-logfile", str(OUT / "web.log")],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/sign-in/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.5)
        locust = os.environ.get("LOCUST", "").split() or [sys.executable, "-m", "locust"]
        load_before = os.getloadavg()[0]
        subprocess.run(
            [*locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--users",
             str(args.employers + args.staff), "--spawn-rate", "10", "--run-time", f"{int(args.minutes * 60)}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(OUT / "load"), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False, stdout=open(OUT / "locust.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        memory = peak_memory_mb(web.pid)
    finally:
        web.terminate()
        web.wait(30)
    rows = list(csv.DictReader(open(OUT / "load_stats.csv")))  # noqa: SIM115
    print(f"{args.employers} employers + {args.staff} JIB staff, {args.minutes:g} min, gunicorn {args.web_workers} "
          f"workers; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")  # fmt: skip
    print(f"{'page':40} {'requests':>8} {'rps':>6} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    failures = 0
    for row in rows:
        failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
        print(f"{row['Name'][:40]:40} {row['Request Count']:>8} {float(row['Requests/s']):6.1f} "
              f"{row['50%']:>7} {row['95%']:>7} {row['Failure Count']:>6}")  # fmt: skip
    print("peak memory (VmHWM): " + ", ".join(f"{'master' if pid == web.pid else pid} {mb:.0f} MB"
                                               for pid, mb in memory.items()))  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
