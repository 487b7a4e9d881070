from viewflow.workflow.models import Process

from portal.licensing.models import LicenceApplication


class LicenceProcess(Process):
    """The licence application's process; its artifact is the LicenceApplication."""

    class Meta:
        proxy = True
        verbose_name = "Licence application"
        verbose_name_plural = "Licence applications"
        permissions = [
            ("verify_licence", "Can verify licence applications"),
            ("set_up_offices", "Can set up office structures"),
        ]

    @property
    def application(self) -> LicenceApplication:
        return LicenceApplication.objects.get(pk=self.artifact_object_id)

    def is_approved(self) -> bool:
        """Verification approved the application: its offices are set up next."""
        return self.application.is_approved

    def awaits_information(self) -> bool:
        """Verification asked the applicant for more information."""
        return self.application.awaits_information
