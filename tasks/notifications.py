"""Sending notifications (a background task with retries) and the weekly digest of expiring cards (a flow)."""

from datetime import date

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tasks import django_work, setup_django
from tasks.jobs import RETRY_DELAYS, group_run_name, run_group

RUN_NAME = "send-notification-{notification_id}"


def _notification_id(task_run) -> int:
    # Prefect hooks get the task run without its parameters: the run's name carries the notification's id.
    return int(task_run.name.rsplit("-", 1)[1])


def _report_failure(task, task_run, state) -> None:
    """After the last retry: the failure is recorded on the notification."""
    with django_work():
        from portal.notifications.services import notification_send_failed

        exc = state.result(raise_on_failure=False)
        reason = str(exc) if isinstance(exc, BaseException) else (state.message or "The message could not be sent.")
        notification_send_failed(notification_id=_notification_id(task_run), reason=reason or "Unknown error")


@task(
    name="send-notification",
    task_run_name=RUN_NAME,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    cache_policy=NO_CACHE,
    on_failure=[_report_failure],
)
def send_notification(notification_id: int) -> bool:
    with django_work():
        from portal.notifications.services import notification_send

        return notification_send(notification_id=notification_id)


def _send(notification_id: int) -> bool:
    from portal.notifications.services import notification_send

    return notification_send(notification_id=notification_id)


def _send_failed(notification_id: int, reason: str) -> None:
    from portal.notifications.services import notification_send_failed

    notification_send_failed(notification_id=notification_id, reason=reason)


@task(
    name="send-notifications",
    task_run_name=group_run_name("notification_ids", "send-notifications"),
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    cache_policy=NO_CACHE,
)
def send_notifications(notification_ids: list[int]) -> dict[str, str]:
    """Several notifications waiting together, in one task run (see tasks.jobs.run_group): each one's outcome is
    logged and returned; one that still fails after the last retry is recorded as failed on the notification."""
    return run_group(notification_ids, run=_send, fail=_send_failed, what="notification")


@flow(name="send-expiry-digests")
def send_expiry_digests(today: date | None = None) -> int:
    """Record this week's digest of expiring and recently expired cards for each user who can view employees;
    the outbox sends them (send_notification). A second run in the same ISO week records none."""
    setup_django()
    from portal.notifications.services import expiry_digests_record

    return expiry_digests_record(today=today)
