"""What card applications do when the national record announces something (connected in ApplicationsConfig)."""

from django.db import transaction
from django.dispatch import receiver

from portal.applications.services import card_application_release_conditional_holds
from portal.registry.models import HseResult
from portal.registry.signals import hse_pass_recorded


@receiver(hse_pass_recorded, sender=HseResult, dispatch_uid="applications.release_conditional_holds")
def release_conditional_holds(*, operative, actor=None, **kwargs) -> None:
    """Once the recorded pass commits, release the operative's applications on conditional hold (each in its own
    transaction, so one that fails does not undo the recorded result)."""
    operative_id = operative.pk
    transaction.on_commit(
        lambda: card_application_release_conditional_holds(operative_id=operative_id, actor=actor), robust=True
    )
