"""The licence process follows what the licensing domain announces (portal.licensing.signals)."""

from django.dispatch import receiver

from portal.licensing.models import LicenceApplication
from portal.licensing.signals import licence_application_information_received, licence_application_submitted
from workflows.licence.flows import LicenceFlow
from workflows.licence.selectors import licence_open_task


@receiver(licence_application_submitted, dispatch_uid="licence.start")
def start_case(sender, *, application: LicenceApplication, **kwargs) -> None:
    LicenceFlow.start.run(artifact=application)


@receiver(licence_application_information_received, dispatch_uid="licence.information_received")
def return_to_verification(sender, *, application: LicenceApplication, **kwargs) -> None:
    task = licence_open_task(application=application, step=LicenceFlow.await_information)
    if task is None:
        raise LookupError(f"Licence application {application.reference} has no process waiting for information.")
    LicenceFlow.await_information.run(task)
