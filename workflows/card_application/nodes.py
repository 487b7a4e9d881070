"""The employer's human tasks in the card application process."""

from django.urls import reverse
from viewflow.workflow import flow

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
