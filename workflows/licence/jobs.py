"""The licence process's automated work, as the Job node calls it."""

from portal.licensing import services


def run_checks(*, process, task) -> dict:
    """Companies House, membership records and duplicates for the process's application."""
    return services.licence_application_run_checks(application=process.application)
