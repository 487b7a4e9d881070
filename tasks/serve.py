"""`python -m tasks.serve`: the scheduled flows, served as deployments with schedules."""

import os

from tasks import setup_django

setup_django()

from prefect import serve  # noqa: E402
from prefect.schedules import Cron  # noqa: E402

from tasks.dashboards import refresh_dashboard_figures  # noqa: E402
from tasks.documents import sweep_stalled_documents  # noqa: E402
from tasks.jobs import purge_handed_jobs, sweep_stalled_jobs  # noqa: E402
from tasks.notifications import send_expiry_digests  # noqa: E402
from tasks.payments import apply_pending_payment_events, import_bank_statement  # noqa: E402

# Seconds between two runs of each sweep (shorter in tests).
SWEEP_INTERVAL = int(os.environ.get("ECS_SWEEP_INTERVAL_SECONDS", "300"))
# Seconds between two computations of the process dashboards' figures (workflows.flow_dashboard.FIGURES_MAX_AGE).
DASHBOARD_INTERVAL = int(os.environ.get("ECS_DASHBOARD_INTERVAL_SECONDS", "600"))


def deployments() -> list:
    return [
        sweep_stalled_jobs.to_deployment(name="scheduled", interval=SWEEP_INTERVAL, parameters={"minutes": 10}),
        sweep_stalled_documents.to_deployment(name="scheduled", interval=SWEEP_INTERVAL, parameters={"minutes": 10}),
        apply_pending_payment_events.to_deployment(name="scheduled", interval=SWEEP_INTERVAL),
        purge_handed_jobs.to_deployment(name="daily", interval=86400, parameters={"days": 30}),
        # Mondays at 07:00 UK time; a run repeated in the same ISO week sends nothing more.
        send_expiry_digests.to_deployment(name="weekly", schedule=Cron("0 7 * * 1", timezone="Europe/London")),
        # Run on demand (Prefect UI or `prefect deployment run`) with the statement's path.
        import_bank_statement.to_deployment(name="on-demand"),
        refresh_dashboard_figures.to_deployment(name="scheduled", interval=DASHBOARD_INTERVAL),
    ]


if __name__ == "__main__":
    serve(*deployments())
