from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

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
    # A summary of the operative's current card (`registry.models.current_cards`) and its expiry, None without one.
    # `employment_card_refresh` keeps it in the transaction of every change to the operative's cards, so that the
    # card lists and the home page's counts are index range scans instead of a look-up per employee.
    card = models.ForeignKey(
        "registry.Card", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    card_expires_on = models.DateField("newest card expires", null=True, blank=True, editable=False)
    # The operative's names, copied for the list's order (`employment_names_refresh` keeps them): a page of
    # 20,000 employees sorted by name is then read from one index, whatever its page number.
    last_name = models.CharField(max_length=100, blank=True, editable=False)
    first_name = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["operative", "organisation"],
                condition=Q(left_on__isnull=True),
                name="one_current_employment_per_organisation",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "left_on", "office"]),
            # Current employees by their card's expiry: the counts, cards expiring soon / expired, the filter.
            models.Index(
                fields=["organisation", "card_expires_on", "office"],
                condition=Q(left_on__isnull=True),
                name="employment_current_card_expiry",
            ),
            # Current employees by name (the list's default order): the page's keys from the index alone.
            models.Index(
                fields=["organisation", "last_name", "first_name", "id", "office"],
                condition=Q(left_on__isnull=True),
                name="employment_current_by_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operative} at {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class OfficeMove(models.Model):
    """An employee moved from one office to another of the same employer: who moved them and when."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="office_moves")
    from_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    to_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.employment}: {self.from_office} to {self.to_office}"


class EmployeeLookup(models.Model):
    """Audit of every search of the national record by NI number: who, for which organisation, which number, when
    and what came of it. For JIB administrators only; never shown to employers."""

    class Kind(models.TextChoices):
        LOOKUP = "lookup", "Look-up (NI number and date of birth)"
        NEW_RECORD = "new_record", "New record (NI number checked)"

    class Outcome(models.TextChoices):
        FOUND = "found", "Record found"
        NOT_FOUND = "not_found", "No record matched"
        NUMBER_TAKEN = "number_taken", "Refused: the NI number has a record"
        LIMITED = "limited", "Refused: too many look-ups"

    looked_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ni_number = models.CharField("NI number", max_length=9)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    looked_up_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-looked_up_at", "-id"]
        indexes = [models.Index(fields=["ni_number", "looked_up_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.looked_up_by} at {self.looked_up_at:%d %B %Y %H:%M}"
