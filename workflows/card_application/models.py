from viewflow.workflow.models import Process

from portal.applications.models import CardApplication


class CardApplicationProcess(Process):
    """A card application's process; its artifact is the CardApplication."""

    class Meta:
        proxy = True
        verbose_name = "Card application"
        verbose_name_plural = "Card applications"
        permissions = [
            ("verify_card_application", "Can verify card applications"),
            ("approve_card_application", "Can approve verified card applications"),
            ("dispatch_card", "Can dispatch cards"),
        ]

    @property
    def application(self) -> CardApplication:
        return CardApplication.objects.get(pk=self.artifact_object_id)
