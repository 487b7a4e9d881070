"""Links into the work lists from other pages (the dashboards, incidents): the queue that holds a step, filtered."""

from urllib.parse import urlencode

from django.urls import reverse
from viewflow.workflow.fields import get_task_ref

from workflows.tasklist.queues import team_queues


def work_list_url(flow_task, **filters: str) -> str | None:
    """The team queue holding `flow_task` (a node or its reference), narrowed by `filters` (the work list's own:
    q, who, due="overdue"/"today"/"week", priority="raised"/"urgent"); None for a step in no queue.

        work_list_url(CardApplicationFlow.verify, due="overdue")
        → "/backoffice/work/queues/verification/?step=…verify&due=overdue"
    """
    ref = flow_task if isinstance(flow_task, str) else get_task_ref(flow_task)
    queue = next((queue for queue in team_queues() if ref in queue.steps), None)
    if queue is None:
        return None
    params = {"step": ref, **{key: value for key, value in filters.items() if value}}
    return f"{reverse('tasklist:queue', args=[queue.team])}?{urlencode(params)}"
