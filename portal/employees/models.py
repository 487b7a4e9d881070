from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.organisations.models import Office, Organisation
from portal.registry.models import Operative


class Employment(models.Model):
    """An operative working for an organisation, at an office. Leaving keeps the row: history is kept."""

    operative = models.ForeignKey(Operative, on_delete=models.PROTECT, related_name="employments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employments")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="employments")
    started_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    # The declaration that the operative started work and the company may view and modify their details.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["operative", "organisation"],
                condition=Q(left_on__isnull=True),
                name="one_current_employment_per_organisation",
            )
        ]
        indexes = [models.Index(fields=["organisation", "left_on", "office"])]

    def __str__(self) -> str:
        return f"{self.operative} at {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None
