from viewflow.workflow.models import Process

from portal.applications import processing_selectors
from portal.applications.models import CardApplication


class CardApplicationProcess(Process):
    """A card application's process; its artifact is the CardApplication. The graph's conditions read it."""

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
        return CardApplication.objects.select_related("operative", "card_type").get(pk=self.artifact_object_id)

    def needs_grading_endorsement(self) -> bool:
        return processing_selectors.needs_grading_endorsement(application=self.application)

    def needs_supervisor_endorsement(self) -> bool:
        return processing_selectors.needs_supervisor_endorsement(application=self.application)

    def needs_endorsement(self) -> bool:
        return self.needs_grading_endorsement() or self.needs_supervisor_endorsement()

    def pre_checks_outcome(self) -> str:
        """ "passed", "awaiting_hse" or "manual" (the automated pre-checks' last findings)."""
        return (self.application.pre_checks or {}).get("outcome", "manual")

    def application_status(self) -> str:
        return self.application.status
