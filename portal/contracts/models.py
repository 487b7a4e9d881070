"""ECS Check - Client and Supply Chain: contracts, the companies in their supply chain and the workers on them.

A worker's card status is never stored here: it is computed from the ECS record when someone looks
(`portal.contracts.selectors.contract_workers_with_status`).
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.organisations.models import Organisation

PATH_STEP = 8  # digits per level, plus a dot (as offices)
INVITATION_LIFETIME = timedelta(days=14)


def path_segment(party_id: int) -> str:
    return f"{party_id:0{PATH_STEP - 1}d}."


class Contract(models.Model):
    """A client's contract (a project on a site) whose electrical workforce the supply chain declares."""

    class Status(models.TextChoices):
        SETTING_UP = "setting_up", "Being set up"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="client_contracts")
    name = models.CharField("contract name", max_length=200)
    client_reference = models.CharField("your reference", max_length=60, blank=True)
    site_address = models.TextField("site address")
    site_postcode = models.CharField("site postcode", max_length=10)
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SETTING_UP, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    went_live_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["client", "status"]), models.Index(fields=["status", "ends_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Whether the supply chain and its workers may still change."""
        return self.status in (self.Status.SETTING_UP, self.Status.IN_PROGRESS)


class ContractRequirement(models.Model):
    """What the client expects of the workers for one kind of work, e.g. "electrical installation: Installation
    Electrician or above; apprentices allowed up to 1 in 4"."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="requirements")
    description = models.CharField("kind of work", max_length=200)
    card_type_family = models.ForeignKey(
        "registry.CardTypeFamily", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occupation = models.ForeignKey(
        "registry.Occupation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minimum_grade = models.ForeignKey(
        "registry.Grade", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "1 in N": at most one apprentice for every N workers on the contract; null when apprentices are not allowed.
    apprentice_ratio = models.PositiveSmallIntegerField(
        "apprentices allowed, 1 in", null=True, blank=True, help_text="Leave empty when no apprentices are allowed."
    )

    class Meta:
        ordering = ["contract", "pk"]

    def __str__(self) -> str:
        return self.description

    def met_by(self, *, family_id: int | None, occupation_id: int | None, grade_position: int | None) -> bool:
        """Whether a card of this family, occupation and grade (its position: higher is above) meets it."""
        if self.card_type_family_id and family_id != self.card_type_family_id:
            return False
        if self.occupation_id and occupation_id != self.occupation_id:
            return False
        if self.minimum_grade_id:
            return grade_position is not None and grade_position >= self.minimum_grade.position
        return True

    @property
    def apprentice_rule(self) -> str:
        if not self.apprentice_ratio:
            return "No apprentices"
        return f"Apprentices up to 1 in {self.apprentice_ratio}"


class ContractParty(models.Model):
    """A company invited into a contract's supply chain. The client's invitations are tier 1 (no parent); each
    company may invite its own subcontractors below it, any depth. `path` is the materialised path of ids
    ("0000012.0000040."), so a company's branch is one indexed prefix query."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Invitation expired"
        REMOVED = "removed", "Removed"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    # Null while an unlicensed company, invited by email, has no licence yet.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="contract_parties"
    )
    invited_name = models.CharField("company name", max_length=200, blank=True)
    invited_email = models.EmailField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    tier = models.PositiveSmallIntegerField(default=1, editable=False)
    role = models.CharField("work in the contract", max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contract", "path"]
        verbose_name_plural = "contract parties"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"],
                condition=Q(status__in=["invited", "accepted"]),
                name="one_live_party_per_organisation_per_contract",
            )
        ]
        indexes = [models.Index(fields=["contract", "path"]), models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.invited_name or self.invited_email

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.ACCEPTED

    def is_within(self, other: "ContractParty") -> bool:
        """True when this party is `other` or below it in the same contract."""
        return self.contract_id == other.contract_id and self.path.startswith(other.path)

    def invitation_expired_on(self, day: date) -> bool:
        return self.status == self.Status.INVITED and self.expires_on is not None and self.expires_on < day


class ContractWorker(models.Model):
    """An operative or apprentice a company put on a contract, from its own employees. Taking them off keeps the
    row (off_from, removed_by): the contract's history shows who was on site when."""

    class Role(models.TextChoices):
        OPERATIVE = "operative", "Operative"
        APPRENTICE = "apprentice", "Apprentice"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="workers")
    party = models.ForeignKey(ContractParty, on_delete=models.PROTECT, related_name="workers")
    operative = models.ForeignKey("registry.Operative", on_delete=models.PROTECT, related_name="contract_workers")
    employment = models.ForeignKey("employees.Employment", on_delete=models.PROTECT, related_name="contract_workers")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OPERATIVE)
    on_from = models.DateField("on the contract from")
    off_from = models.DateField("off the contract from", null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    # The declaration that the operative gave their permission to be put on the contract (as for card applications).
    consent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "party", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "operative"],
                condition=Q(removed_at__isnull=True),
                name="one_current_place_per_operative_per_contract",
            )
        ]
        indexes = [models.Index(fields=["contract", "removed_at"]), models.Index(fields=["party", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.operative} on {self.contract}"

    @property
    def is_current(self) -> bool:
        return self.removed_at is None

    def is_on_site(self, day: date) -> bool:
        return self.removed_at is None and self.on_from <= day and (self.off_from is None or self.off_from > day)


class ContractEvent(models.Model):
    """Every change to a contract, its supply chain and its workers: who, when, what."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        INVITED = "invited", "Company invited"
        REMINDED = "reminded", "Reminder sent"
        ACCEPTED = "accepted", "Invitation accepted"
        DECLINED = "declined", "Invitation declined"
        EXPIRED = "expired", "Invitation expired"
        PARTY_REMOVED = "party_removed", "Company removed"
        WORKER_ADDED = "worker_added", "Worker added"
        WORKER_REMOVED = "worker_removed", "Worker taken off"
        LIVE = "live", "Contract live"
        COMPLETED = "completed", "Contract completed"
        CANCELLED = "cancelled", "Contract cancelled"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    party = models.ForeignKey(ContractParty, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    worker = models.ForeignKey(ContractWorker, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["contract", "at"])]

    def __str__(self) -> str:
        return self.what
