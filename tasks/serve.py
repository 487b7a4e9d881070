"""`python -m tasks.serve`: the scheduled flows, served as deployments with schedules."""

import os

from tasks import setup_django

setup_django()

from prefect import serve  # noqa: E402
from prefect.schedules import Cron  # noqa: E402

from tasks.assessments import sweep_assessment_bookings  # noqa: E402
from tasks.contracts import contracts_daily  # noqa: E402
from tasks.dashboards import refresh_dashboard_figures  # noqa: E402
from tasks.documents import sweep_stalled_documents  # noqa: E402
from tasks.jobs import purge_handed_jobs, sweep_stalled_jobs  # noqa: E402
from tasks.notifications import send_expiry_digests  # noqa: E402
from tasks.payments import apply_pending_payment_events, import_bank_statement  # noqa: E402
from tasks.sitechecks import send_contract_card_alerts  # noqa: E402
from tasks.worklists import raise_work_list_priorities  # noqa: E402

# Seconds between two runs of each sweep (shorter in tests).
SWEEP_INTERVAL = int(os.environ.get("ECS_SWEEP_INTERVAL_SECONDS", "300"))
# Seconds between two computations of the process dashboards' figures (workflows.flow_dashboard.FIGURES_MAX_AGE).
DASHBOARD_INTERVAL = int(os.environ.get("ECS_DASHBOARD_INTERVAL_SECONDS", "600"))


def deployments() -> list:
    return [
        sweep_stalled_jobs.to_deployment(name="scheduled", interval=SWEEP_INTERVAL, parameters={"minutes": 10}),
        sweep_stalled_documents.to_deployment(name="scheduled", interval=SWEEP_INTERVAL, parameters={"minutes": 10}),
        apply_pending_payment_events.to_deployment(name="scheduled", interval=SWEEP_INTERVAL),
        sweep_assessment_bookings.to_deployment(name="scheduled", interval=SWEEP_INTERVAL),
        purge_handed_jobs.to_deployment(name="daily", interval=86400, parameters={"days": 30}),
        # Mondays at 07:00 UK time; a run repeated in the same ISO week sends nothing more.
        send_expiry_digests.to_deployment(name="weekly", schedule=Cron("0 7 * * 1", timezone="Europe/London")),
        # Daily at 00:30 UK time: invitation reminders and expiry, contracts starting and completing.
        contracts_daily.to_deployment(name="daily", schedule=Cron("30 0 * * *", timezone="Europe/London")),
        # Daily at 06:30 UK time: contract workers' cards expired or cancelled, told once to company and client.
        send_contract_card_alerts.to_deployment(name="daily", schedule=Cron("30 6 * * *", timezone="Europe/London")),
        # Run on demand (Prefect UI or `prefect deployment run`) with the statement's path.
        import_bank_statement.to_deployment(name="on-demand"),
        refresh_dashboard_figures.to_deployment(name="scheduled", interval=DASHBOARD_INTERVAL),
        # Renewals that became urgent (by the day, local time): soon after midnight whatever the interval.
        raise_work_list_priorities.to_deployment(name="scheduled", interval=SWEEP_INTERVAL),
    ]


if __name__ == "__main__":
    serve(*deployments())
