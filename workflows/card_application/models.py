from functools import cached_property

from viewflow.workflow.models import Process

from portal.applications import selectors
from portal.applications.models import CardApplication


class CardApplicationProcess(Process):
    """A card application's process; its artifact is the CardApplication. The graph's conditions are its methods."""

    class Meta:
        proxy = True
        verbose_name = "Card application"
        verbose_name_plural = "Card applications"
        permissions = [
            ("verify_card_application", "Can verify card applications"),
            ("approve_card_application", "Can approve verified card applications"),
            ("dispatch_card", "Can dispatch cards"),
        ]

    @cached_property
    def application(self) -> CardApplication:
        """The application, read once per process object (what the steps change is read by `_now`)."""
        return CardApplication.objects.select_related("operative", "card_type", "organisation").get(
            pk=self.artifact_object_id
        )

    @classmethod
    def attach_applications(cls, processes) -> None:
        """Read the applications of many processes (a list's rows) in one query, so that `application` asks the
        database nothing more for them."""
        processes = [process for process in processes if "application" not in process.__dict__]
        found = CardApplication.objects.select_related("operative", "card_type", "organisation").in_bulk(
            {process.artifact_object_id for process in processes if process.artifact_object_id is not None}
        )
        for process in processes:
            if process.artifact_object_id in found:
                process.__dict__["application"] = found[process.artifact_object_id]

    def _now(self, field: str):
        """One field of the application as it is now: the step just before may have changed it."""
        return CardApplication.objects.values_list(field, flat=True).get(pk=self.artifact_object_id)

    def needs_grading_endorsement(self) -> bool:
        return selectors.needs_grading_endorsement(application=self.application)

    def needs_supervisor_endorsement(self) -> bool:
        return selectors.needs_supervisor_endorsement(application=self.application)

    def needs_endorsement(self) -> bool:
        return self.needs_grading_endorsement() or self.needs_supervisor_endorsement()

    def pre_checks_passed(self) -> bool:
        return self._pre_check_outcome() == CardApplication.PreCheckOutcome.PASSED

    def pre_checks_await_hse(self) -> bool:
        return self._pre_check_outcome() == CardApplication.PreCheckOutcome.AWAITING_HSE

    def _pre_check_outcome(self) -> CardApplication.PreCheckOutcome:
        return CardApplication.pre_check_outcome_of(self._now("pre_checks"))

    def verified(self) -> bool:
        return self._now("status") == CardApplication.Status.VERIFIED

    def on_hold(self) -> bool:
        return self._now("status") == CardApplication.Status.ON_HOLD

    def on_conditional_hold(self) -> bool:
        return self._now("status") == CardApplication.Status.CONDITIONAL_HOLD

    def approved(self) -> bool:
        return self._now("status") == CardApplication.Status.APPROVED
