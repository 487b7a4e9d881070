"""Reads of the back office's work lists: service levels and due dates, queues, priority, saved filters."""

from datetime import timedelta

from django.db.models import Case, DateTimeField, ExpressionWrapper, F, QuerySet, Value, When
from viewflow.workflow.fields import get_task_ref

from workflows.tasklist.models import ServiceLevel


def _ref(flow_task) -> str:
    return flow_task if isinstance(flow_task, str) else get_task_ref(flow_task)


def service_levels() -> dict[str, timedelta]:
    """Every step's service level: viewflow's reference of the step → the time its task may wait (one query)."""
    return {ref: timedelta(days=days) for ref, days in ServiceLevel.objects.values_list("flow_task", "days")}


def service_level_for(flow_task) -> timedelta | None:
    """How long a task at `flow_task` (a flow node, or viewflow's string reference of it) may wait before it is
    late; None when the step has no service level."""
    days = ServiceLevel.objects.filter(flow_task=_ref(flow_task)).values_list("days", flat=True).first()
    return None if days is None else timedelta(days=days)


def due_expression(
    levels: dict[str, timedelta] | None = None, *, created: str = "created", flow_task: str = "flow_task"
):
    """The SQL expression of a task's due date: when it was created plus its step's service level (NULL for a step
    without one). `created` and `flow_task` name the task's fields (e.g. "task__created" from a related model)."""
    levels = service_levels() if levels is None else levels
    if not levels:
        return Value(None, output_field=DateTimeField())
    return Case(
        *(
            When(**{flow_task: ref}, then=ExpressionWrapper(F(created) + Value(allowed), output_field=DateTimeField()))
            for ref, allowed in sorted(levels.items())
        ),
        default=Value(None, output_field=DateTimeField()),
        output_field=DateTimeField(),
    )


def with_due_dates(tasks: QuerySet, levels: dict[str, timedelta] | None = None) -> QuerySet:
    """viewflow tasks annotated with `due` (when the task is late from; None for a step without a service level)."""
    return tasks.annotate(due=due_expression(levels))
