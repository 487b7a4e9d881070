"""ECS Check: invitation emails (a background task with retries) and the daily run of the contracts' calendar:
reminders of unanswered invitations, expiry, contracts starting on their start date and completing after their
end date."""

from datetime import date

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tasks import django_work, setup_django
from tasks.jobs import RETRY_DELAYS


@task(
    name="send-contract-email",
    task_run_name="send-contract-email-{ref}",
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    cache_policy=NO_CACHE,
)
def send_contract_email(ref: str) -> int:
    with django_work():
        from portal.contracts.services import contract_email_send

        return contract_email_send(ref=ref)


@flow(name="contracts-daily")
def contracts_daily(today: date | None = None) -> dict:
    """Remind and expire unanswered invitations, start contracts due to start, complete contracts that ended.
    Each step is idempotent: a second run on the same day changes nothing more."""
    setup_django()
    from portal.contracts.services import contracts_complete_ended, contracts_start_due, parties_expire, parties_remind

    return {
        "reminded": parties_remind(today=today),
        "expired": parties_expire(today=today),
        "started": contracts_start_due(today=today),
        "completed": contracts_complete_ended(today=today),
    }
