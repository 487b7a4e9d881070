"""The card application process's own nodes: the employer's human tasks, and gateways whose BPMN export names
each conditional flow."""

from django.urls import reverse
from viewflow.workflow import flow
from viewflow.workflow.base import Edge

from portal.applications import selectors
from portal.organisations.permissions import Flag
from workflows.card_application.views import employer_page


class EmployerTask(flow.View):
    """A task for the employer's portal users (a BPMN userTask), done on a portal page.

    It is open to the users of the applicant's organisation who hold `flag` at the applicant's office or above it
    (the portal's own scope rule), listed for them on Applications Requiring Attention, and completed for the user
    who acts when the portal announces what they did (workflows.card_application.receivers). Its permission is
    named after the portal flag; no back-office user holds it, so it is in no back-office queue.

        endorse = EmployerTask(flag=Flag.ENDORSE_GRADING, page="applications:endorse", page_args=("grading",))
    """

    def __init__(self, *, flag: Flag, page: str, page_args: tuple = (), **kwargs):
        super().__init__(employer_page, **kwargs)
        self.flag = Flag(flag)
        self.page = page
        self.page_args = tuple(page_args)
        self.Permission(f"organisations.{self.flag.value}")

    def page_url(self, application_id: int) -> str:
        """The portal page where the task is done."""
        return reverse(self.page, args=[application_id, *self.page_args])

    def can_assign(self, user, task) -> bool:
        if task.owner_id or user is None or user.is_anonymous:
            return False
        return selectors.card_application_in_reach(
            user=user, application_id=task.process.artifact_object_id, flag=self.flag
        )


# An inclusive gateway in the flow chart: a diamond with a circle.
INCLUSIVE_SHAPE = {
    "width": 50,
    "height": 50,
    "svg": """
        <path class="gateway" d="M25,0L50,25L25,50L0,25L25,0"/>
        <circle class="gateway-marker" cx="25" cy="25" r="11" fill="none" stroke="black" stroke-width="3"/>
    """,
}


class InclusiveSplit(flow.Split):
    """viewflow's Split with a condition on each branch: every branch whose condition holds is taken, so in BPMN
    it is an inclusive gateway, each flow named by its condition."""

    bpmn_element = "inclusiveGateway"
    shape = INCLUSIVE_SHAPE

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._labels: list[str] = []

    def Next(self, node, case, label: str):  # noqa: N802
        self._labels.append(label)
        return super().Next(node, case=case)

    def _outgoing(self):
        for (next_node, _, _), label in zip(self._activate_next, self._labels, strict=True):
            yield Edge(src=self, dst=next_node, edge_class="cond_true", label=label)


class InclusiveJoin(flow.Join):
    """viewflow's Join waiting for the branches an InclusiveSplit took: an inclusive gateway in BPMN."""

    bpmn_element = "inclusiveGateway"
    shape = INCLUSIVE_SHAPE
