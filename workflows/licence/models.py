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

    def route(self) -> str:
        """Where verification sends the case next, from the application's status."""
        return self.application.status
