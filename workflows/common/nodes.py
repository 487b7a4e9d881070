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
from viewflow.workflow.activation import Activation
from viewflow.workflow.nodes import AbstractJob, AbstractJobActivation
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


class Job(AbstractJob):
    activation_class = JobActivation

    def __init__(self, work: Callable[..., dict | None], **kwargs):
        """`work`: the function `(*, process, task) -> dict` that does the automated work (a domain service)."""
        super().__init__(**kwargs)
        self.work = work
