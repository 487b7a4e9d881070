"""The process dashboards' figures over a period (cycle times, throughput, breaches), computed on a schedule so that
a manager's page reads them in one row instead of aggregating the period's history on each view."""

from prefect import flow

from tasks import setup_django


@flow(name="refresh-dashboard-figures")
def refresh_dashboard_figures() -> int:
    """Every process over 7, 30 and 90 days (workflows.flow_dashboard.flow_figures_refresh_all)."""
    setup_django()
    from workflows.flow_dashboard import flow_figures_refresh_all

    return flow_figures_refresh_all()
