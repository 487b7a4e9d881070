"""Reading uploaded certificates on the task workers: pages per minute for a burst of uploads, and the wait an
employer sees from upload to result.

    .venv/bin/python bench/ocr_throughput_bench.py                       # 100 uploads, two task workers
    .venv/bin/python bench/ocr_throughput_bench.py --uploads 40 --workers 1,2

Starts a Prefect server (SQLite under /tmp, as bench/throughput_bench.py does), the awarding-bodies sandbox, the
task workers and one relay; then uploads UPLOADS certificates (bench/certificate_layouts.py, all layouts and
conditions, from the sandbox's records) to in-progress card applications through the same service as the upload
page, as fast as it can, and waits until every document has an outcome. Prints pages per minute (from the first
upload to the last outcome), the p50/p95 wait from each upload to its outcome, the outcomes, and the CPU seconds a
page of the workers. Django runs on PostgreSQL (DATABASE_URL, default ecs_throughput_bench).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecs_throughput_bench")
os.environ.setdefault("ECS_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "0"

import throughput_bench as harness  # noqa: E402
from ocr_bench import FIELDS, counted  # noqa: E402

SANDBOX_PORT = int(os.environ.get("BENCH_AWARDING_BODIES_PORT", "8292"))
# Another run of the throughput benches on the same machine needs its own Prefect home (and BENCH_PREFECT_PORT).
harness.PREFECT_HOME = Path(os.environ.get("BENCH_PREFECT_HOME", str(harness.PREFECT_HOME)))


def applications(records: list[dict]):
    """In-progress card applications of a new organisation for the people named on `records` (one employee each),
    and its Primary User."""
    from django.db import transaction

    from portal.accounts.services import user_create
    from portal.applications.services import card_application_start
    from portal.employees.models import Employment
    from portal.orders.models import ApplicationType
    from portal.organisations import services
    from portal.organisations.permissions import ALL_FLAGS
    from portal.registry.models import CardType, Operative

    run = uuid.uuid4().hex[:6]
    with transaction.atomic():
        organisation = services.organisation_create(name=f"Bench OCR {run} Ltd")
        user = user_create(email=f"ocr-{run}@bench.example", first_name="Bench", last_name="Reader",
                           mobile="+447700123000")  # fmt: skip
        primary = services.portal_user_create(user=user, organisation=organisation, office=organisation.head_office,
                                              flags=set(ALL_FLAGS), is_primary_user=True)  # fmt: skip
    craft = CardType.objects.get(name="Craft or Related Disciplines")
    prefix = int(run, 16) % 900_000
    made = []
    for i, record in enumerate(records):
        ni_number = f"ZY{(prefix + i * 7919) % 1_000_000:06d}{'ABCD'[i % 4]}"
        operative = Operative.objects.create(
            first_name=record["candidate_first_name"], last_name=record["candidate_last_name"],
            date_of_birth=date.fromisoformat(record["date_of_birth"]), ni_number=ni_number,
        )  # fmt: skip
        employment = Employment.objects.create(
            operative=operative, organisation=organisation, office=organisation.head_office, started_on=date(2020, 1, 6)
        )
        made.append(
            card_application_start(
                actor=user, employment=employment, card_type=craft, application_type=ApplicationType.INITIAL
            )
        )
    return primary, made


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    args.prefect_db = "sqlite"
    harness.create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from bench.certificate_layouts import LAYOUTS, render_case
    from portal.applications.models import ApplicationDocument
    from portal.applications.services import application_document_upload
    from portal.core.models import BackgroundJob
    from sandboxes.certificates import CERTIFICATES

    call_command("migrate", verbosity=0)
    env = {"AWARDING_BODIES_URL": f"http://127.0.0.1:{SANDBOX_PORT}"}
    sandbox = subprocess.Popen([sys.executable, "-m", "sandboxes.awarding_bodies", "--port", str(SANDBOX_PORT)],
                               cwd=ROOT, env=harness.env_for(args), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    server = harness.start_prefect(args)
    rng = random.Random(2026)
    layouts = list(LAYOUTS)
    records = [rng.choice(CERTIFICATES) for _ in range(args.uploads)]
    cases = [render_case(record, layouts[i % len(layouts)], rng) for i, record in enumerate(records)]
    print(f"{args.uploads} uploads a run; load average {os.getloadavg()[0]:.2f}")
    print(f"{'workers':>7} {'done':>9} {'pages/min':>9} {'wait p50 s':>10} {'wait p95 s':>10} "
          f"{'CPU-s/page':>10} {'load':>5}  outcomes")  # fmt: skip
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            primary, made = applications(records)
            BackgroundJob.objects.filter(handed_at__isnull=True).update(handed_at=time.strftime("%Y-%m-%dT%H:%M:%SZ"))
            connection.close()
            extra = {**env, "ECS_TASK_WORKERS": str(workers)}
            logs = open(harness.PREFECT_HOME / f"ocr-w{workers}.log", "w")  # noqa: SIM115 - the processes' output
            run_env = harness.env_for(args, **extra)

            def start(module: str, env=run_env, logs=logs) -> subprocess.Popen:
                return subprocess.Popen([sys.executable, "-m", module], cwd=ROOT, env=env, stdout=logs,
                                        stderr=subprocess.STDOUT)  # fmt: skip

            procs = [start("tasks.worker") for _ in range(workers)]
            relay = start("tasks.relay")
            time.sleep(args.warmup)
            cpu_before = harness.cpu_seconds([p.pid for p in procs])
            started = time.monotonic()
            uploaded_at = {}
            for application, (data, content_type, _truth, _meta) in zip(made, cases, strict=True):
                document = application_document_upload(
                    application=application, actor=primary.user, content_type=content_type,
                    file=SimpleUploadedFile("certificate", data, content_type=content_type),
                )  # fmt: skip
                uploaded_at[document.pk] = time.monotonic()
            finished_at: dict[int, float] = {}
            deadline = started + args.timeout
            try:
                while len(finished_at) < len(uploaded_at) and time.monotonic() < deadline:
                    time.sleep(0.5)
                    now = time.monotonic()
                    for pk in (
                        ApplicationDocument.objects.filter(pk__in=uploaded_at)
                        .exclude(status=ApplicationDocument.Status.READING)
                        .values_list("pk", flat=True)
                    ):
                        finished_at.setdefault(pk, now)
                elapsed = max(finished_at.values(), default=time.monotonic()) - started
                cpu = harness.cpu_seconds([p.pid for p in procs]) - cpu_before
            finally:
                for proc in [relay, *procs]:
                    proc.terminate()
                for proc in [relay, *procs]:
                    proc.wait(30)
            waits = sorted(finished_at[pk] - uploaded_at[pk] for pk in finished_at)
            outcomes = dict(
                ApplicationDocument.objects.filter(pk__in=uploaded_at)
                .values_list("status")
                .annotate(n=django.db.models.Count("pk"))
            )
            done = len(finished_at)
            # The workers' readings against what each page says: the same reader as bench/ocr_bench.py.
            fields = Counter()
            readings = dict(ApplicationDocument.objects.filter(pk__in=uploaded_at).values_list("pk", "reading"))
            for pk, (_data, _type, truth, _meta) in zip(uploaded_at, cases, strict=True):
                stored = readings.get(pk) or {}
                for name in FIELDS:
                    expected = truth[name]
                    if name == "date_awarded":
                        got = stored.get("date_awarded") or stored.get("month_awarded", "")
                        expected = expected.isoformat() if expected else truth["month_awarded"]
                    else:
                        got = stored.get(name, "")
                    if not counted(name, got, expected):
                        continue
                    fields["exact" if got == expected else "missing" if not got else "wrong"] += 1
            statuses = dict(ApplicationDocument.objects.filter(pk__in=uploaded_at).values_list("pk", "status"))
            by_body = Counter(
                f"{record['awarding_body']}: {statuses.get(pk, '')}"
                for pk, record in zip(uploaded_at, records, strict=True)
            )
            p95 = waits[max(0, int(len(waits) * 0.95 + 0.5) - 1)] if waits else float("nan")
            print(f"{workers:7d} {done:4d}/{len(uploaded_at):<4d} {60 * done / elapsed:9.1f} "
                  f"{statistics.median(waits) if waits else float('nan'):10.1f} {p95:10.1f} {cpu / max(done, 1):10.2f} "
                  f"{os.getloadavg()[0]:5.2f}  {outcomes}", flush=True)  # fmt: skip
            total = sum(fields.values())
            print(f"        fields the workers read exactly: {fields['exact']} of {total} "
                  f"({100 * fields['exact'] / max(total, 1):.1f}%), {fields['wrong']} wrong, "
                  f"{fields['missing']} missing", flush=True)  # fmt: skip
            print(f"        outcomes by body: {dict(sorted(by_body.items()))}", flush=True)
            connection.close()
    finally:
        server.terminate()
        sandbox.terminate()
        server.wait(20)
        sandbox.wait(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
