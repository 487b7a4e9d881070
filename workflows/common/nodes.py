"""The automated step every process uses: a viewflow job whose work runs on Prefect.

The task's transaction records the job in the outbox (portal.core.models.BackgroundJob); once it commits, the
relay hands the job's reference to the Prefect task worker. The work itself is a
plain service function named by the node; what it returns is stored on the task and the flow moves on. Prefect
retries with backoff; when the work still fails, the task is marked failed and its `.OnError` boundary hands
the case to a person. Completion is idempotent: a repeated or late report changes nothing.

    checks = Job(services.licence_application_run_checks).OnError(this.check_manually)...
"""

from collections.abc import Callable

from django.utils import timezone
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.flow import mixins, views
from viewflow.workflow.nodes import AbstractJob, AbstractJobActivation
from viewflow.workflow.signals import task_failed
from viewflow.workflow.status import STATUS

from portal.core.services import background_job_enqueue

# The outbox kind of automated steps (workflows.common.apps registers it; tasks.relay hands it to Prefect).
JOB_KIND = "job"


class JobActivation(AbstractJobActivation):
    @Activation.status.transition(source=STATUS.NEW, target=STATUS.SCHEDULED)
    def activate(self):
        self.task.save()
        background_job_enqueue(kind=JOB_KIND, ref=self.ref())

    @Activation.status.transition(
        source=[STATUS.NEW, STATUS.SCHEDULED, STATUS.STARTED, STATUS.ERROR], target=STATUS.CANCELED
    )
    def cancel(self):
        """Called by an interrupting .OnError boundary once the case has gone to a person."""
        self.task.finished = timezone.now()
        self.task.save()

    # An automated step that failed after its retries waits as an incident (workflows.incidents): a person
    # either runs it again or sends the case to the human task of its .OnError boundary.
    @Activation.status.transition(source=STATUS.STARTED, target=STATUS.ERROR)
    def halt(self, reason: str):
        """Record why the step failed and stop, without firing the error boundary yet."""
        self.task.data = {**(self.task.data or {}), "_exception": {"title": reason}}
        self.task.finished = timezone.now()
        self.task.save()

    @Activation.status.transition(source=STATUS.ERROR, target=STATUS.SCHEDULED)
    def retry(self):
        """Run the step again: recorded in the outbox in this transaction, handed to Prefect after the commit."""
        data = dict(self.task.data or {})
        data.pop("_exception", None)
        self.task.data = data
        self.task.finished = None
        self.task.save()
        background_job_enqueue(kind=JOB_KIND, ref=self.ref())

    @Activation.status.transition(source=STATUS.ERROR)
    def escalate(self):
        """Fire the step's .OnError boundary: the case goes to the person who does the check by hand."""
        task_failed.send(sender=self.flow_class, process=self.process, task=self.task)


class Job(mixins.NodeDetailMixin, AbstractJob):
    activation_class = JobActivation
    # The task's page in the back office (the task lists link every task to it).
    index_view_class = views.IndexTaskView
    detail_view_class = views.DetailTaskView

    def __init__(self, work: Callable[..., dict | None], **kwargs):
        """`work`: the function `(*, process, task) -> dict` that does the automated work (a domain service)."""
        super().__init__(**kwargs)
        self.work = work


class Switch(flow.Switch):
    """viewflow's Switch whose conditional branches are named: the BPMN export writes the name as the sequence
    flow's name and condition expression (a conditional flow without a condition is not valid BPMN)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._labels: list[str | None] = []

    def Case(self, node, cond, label: str):  # noqa: N802 (viewflow's spelling)
        self._labels.append(label)
        return super().Case(node, cond)

    def Default(self, node):  # noqa: N802
        self._labels.append(None)
        return super().Default(node)

    def _outgoing(self):
        for (next_node, cond), label in zip(self._activate_next, self._labels, strict=True):
            yield Edge(src=self, dst=next_node, edge_class="cond_true" if cond else "default", label=label)
