"""The work lists' priorities that come with time: a card renewal becomes urgent 4 weeks before its card expires,
with no event to announce it. Run every few minutes (tasks.serve); each run is one indexed UPDATE that usually
changes nothing."""

from prefect import flow

from tasks import setup_django


@flow(name="raise-work-list-priorities")
def raise_work_list_priorities() -> int:
    """Open tasks whose case has become urgent today (workflows.tasklist.services.open_task_priorities_raise)."""
    setup_django()
    from workflows.tasklist.services import open_task_priorities_raise

    return open_task_priorities_raise()
