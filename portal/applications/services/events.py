"""What every card application service shares: the refusal, the row lock and the record of each change."""

from portal.accounts.models import User
from portal.applications.models import ApplicationEvent, CardApplication
from portal.core.text import one_full_stop


class ApplicationError(Exception):
    """A rule refused the change; the message is for the user. `field` names the form field it is about, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def card_application_record_event(
    application: CardApplication, *, what: str, actor: User | None = None, to_status: str | None = None
) -> None:
    """Record a change (and move the status when `to_status` differs). Call inside the change's transaction."""
    before = application.status
    if to_status is not None and to_status != before:
        application.status = to_status
        application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(
        application=application, actor=actor, from_status=before, to_status=application.status, what=one_full_stop(what)
    )


def card_application_lock(application: CardApplication) -> CardApplication:
    """The application read again under a row lock (inside the caller's transaction)."""
    return CardApplication.objects.select_for_update().get(pk=application.pk)
