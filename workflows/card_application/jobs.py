"""The automated work of the card application process, as the Job node calls it (`(*, process, task) -> dict`)."""

from portal.applications import services


def run_pre_checks(*, process, task) -> dict:
    """The automated pre-checks; the outcome is kept on the application (and in the task's result)."""
    return {"outcome": services.card_application_run_pre_checks(application=process.application).value}
