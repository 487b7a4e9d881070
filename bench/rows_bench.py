"""The long tables' rows: 200 rows of each table rendered in a loop (timeit), no database.

    mkdir -p /tmp/rows-old && git archive 5455d74 | tar -x -C /tmp/rows-old   # the format_html rows
    .venv/bin/python bench/rows_bench.py --against /tmp/rows-old [--number N] [--rounds R]

Prints, per table, the best of five runs of N renderings of 200 rows in ms per rendering. `--code` puts another copy
of the project's code first on the path (e.g. an older commit extracted with `git archive`) to measure it the same
way: the rows are rendered by the row templates (`portal.core.rows.render`) when that code has them, else by the
`format_html` row builders of older code. With `--against PATH` both are measured in the same run, one after the
other per table (`--rounds` times, alternated; the best of each), and the script exits non-zero when a table's rows
take more than 1.5x as long as the other code's.
"""

import argparse
import os
import subprocess
import sys
import timeit
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace as NS
from zoneinfo import ZoneInfo

ROWS, LIMIT = 200, 1.5
TABLES = [
    "employees", "expiring", "in_progress", "finalised", "ordered", "needing_action", "being_produced", "completed",
]  # fmt: skip


def data():
    today = date(2026, 11, 30)
    now = datetime(2026, 11, 30, 7, 31, tzinfo=ZoneInfo("UTC"))
    statuses = ["on_hold", "awaiting_endorsement", "conditional_hold", "verifying", "dispatched", "rejected"]
    employees, applications = [], []
    for i in range(ROWS):
        operative = NS(
            sort_name=f"O'Brien-{i}, Seán & <Co>",
            full_name=f"Seán O'Brien-{i}",
            ni_number=f"AB{i:06d}C",
            current_cards=[NS(number=f"{10000000 + i}")] if i % 3 else [],
        )
        office = NS(name="Sparks Electrical Ltd Head Office")
        card = NS(number=f"{20000000 + i}", expires_on=today + timedelta(days=i), card_type=NS(name="Electrician"))
        employees.append(
            NS(
                pk=i + 1,
                operative=operative,
                office=office,
                chosen=bool(i % 2),
                apps_in_progress=i % 3,
                card=card,
                card_expires_on=today + timedelta(days=i) if i % 4 else None,
                hse_status="Passed",
            )  # fmt: skip
        )
        status = statuses[i % len(statuses)]
        applications.append(
            NS(
                pk=i + 1,
                reference=f"T{i:09d}",
                operative=operative,
                office=office,
                organisation=NS(name="Sparks Electrical Ltd"),
                card_type=NS(short_name="Craft"),
                get_application_type_display=lambda: "Initial",
                get_status_display=lambda s=status: s.title(),
                status=status,
                step=i % 4 + 1,
                resume_url=f"/portal/applications/{i + 1}/step/2/",
                created_at=now,
                paid_at=now,
                completed_at=now,
                hse_status="Passed",
                photo="p.jpg" if i % 2 else "",
                photo_problems="",
                grade="Advanced" if i % 2 else None,
                main_occupation="Electrician" if i % 3 else None,
                hold_reason="A clearer photo" if i % 2 else "",
                awaiting_grading_endorsement=bool(i % 2),
                awaiting_supervisor_endorsement=bool(i % 3 == 0),
                stage_hint="Being checked by the JIB.",
                decision_reason="Not eligible & 'x'",
                card=card if i % 2 else None,
            )  # fmt: skip
        )
    return employees, applications


def renderers():
    employees, applications = data()
    flags = {"can_supply": True, "can_endorse_grading": True, "can_endorse_supervisor": True}
    try:
        from portal.core.rows import render
    except ImportError:  # older code: the format_html row builders
        from portal.applications import rows as app
        from portal.employees import rows as emp

        return {
            "employees": lambda: emp.employees(employees, can_start=True),
            "expiring": lambda: emp.expiring(employees),
            "in_progress": lambda: app.in_progress(applications, can_fill=True),
            "finalised": lambda: app.finalised(applications),
            "ordered": lambda: app.ordered(applications),
            "needing_action": lambda: app.needing_action(applications),
            "being_produced": lambda: app.being_produced(applications, **flags),
            "completed": lambda: app.completed(applications),
        }
    return {
        "employees": lambda: render("employees.jinja", rows=employees, can_start=True),
        "expiring": lambda: render("expiring.jinja", rows=employees),
        "in_progress": lambda: render("in_progress.jinja", rows=applications, can_fill=True),
        "finalised": lambda: render("finalised.jinja", rows=applications),
        "ordered": lambda: render("ordered.jinja", rows=applications),
        "needing_action": lambda: render("needing_action.jinja", rows=applications),
        "being_produced": lambda: render("being_produced.jinja", rows=applications, **flags),
        "completed": lambda: render("completed.jinja", rows=applications),
    }


def measure(table: str, number: int) -> float:
    render = renderers()[table]
    render()  # templates compiled, URLs reversed once
    return min(timeit.repeat(render, number=number, repeat=5)) / number * 1000


def run_one(code: str, table: str, number: int) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--code", code, "--number", str(number), "--table", table],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(out.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--against", help="another copy of the code, measured the same way")
    parser.add_argument("--number", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="with --against: each code measured this many times")
    parser.add_argument("--table", choices=TABLES)
    args = parser.parse_args()
    if args.table:
        sys.path.insert(0, args.code)
        os.chdir(args.code)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("ECS_TESTING", "1")  # settings without a secret key; nothing here is served
        import django

        django.setup()
        print(f"{measure(args.table, args.number):.3f}")
        return 0
    load = os.getloadavg()[0]
    print(f"{ROWS} rows a rendering, best of 5 x {args.number} (x {args.rounds} rounds); load average {load:.2f}")
    if not args.against:
        for table in TABLES:
            print(f"{table:16} {run_one(args.code, table, args.number):7.2f} ms")
        return 0
    print(f"{'table':16} {'this code':>10} {'other code':>11} {'ratio':>6}")
    worst = 0.0
    for table in TABLES:
        this, other = float("inf"), float("inf")
        for _ in range(args.rounds):  # alternated, the best of each: the machine's other work is noise
            this = min(this, run_one(args.code, table, args.number))
            other = min(other, run_one(args.against, table, args.number))
        worst = max(worst, this / other)
        print(f"{table:16} {this:8.2f} ms {other:8.2f} ms {this / other:6.2f}")
    print(f"worst ratio {worst:.2f} (limit {LIMIT}); load average now {os.getloadavg()[0]:.2f}")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
