from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.organisations.permissions import Flag


class Organisation(models.Model):
    """A company or body that holds (or held) a licence to the ECS Online Systems. The JIB itself is one too."""

    name = models.CharField("organisation title / business name", max_length=200)
    address = models.TextField("main address", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField("main telephone", max_length=20, blank=True)
    email = models.EmailField("contact email", blank=True)
    jib_membership_number = models.CharField(max_length=20, blank=True)
    eca_membership_number = models.CharField(max_length=20, blank=True)
    companies_house_number = models.CharField(max_length=8, blank=True)
    is_jib = models.BooleanField("is the JIB", default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_jib_member(self) -> bool:
        return bool(self.jib_membership_number)

    @property
    def head_office(self) -> "Office | None":
        return self.offices.filter(parent__isnull=True).first()


class Office(models.Model):
    """A place in an organisation's office tree ("group"): head office, region or office, any depth.

    `path` is the materialised path of ids ("0000012.0000040."), so a subtree is one indexed prefix query.
    """

    class Kind(models.TextChoices):
        HEAD_OFFICE = "head_office", "Head office"
        REGION = "region", "Region"
        OFFICE = "office", "Office"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offices")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(parent__isnull=True), name="one_head_office_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_within(self, other: "Office") -> bool:
        """True when this office is `other` or below it."""
        return self.organisation_id == other.organisation_id and self.path.startswith(other.path)


class PortalUser(models.Model):
    """A user's place in an organisation: the office they sit at and their permission flags.

    Flags apply to that office and every office below it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_user")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="portal_users")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="portal_users")
    is_primary_user = models.BooleanField(default=False)
    job_title = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    can_view_employees = models.BooleanField(Flag.VIEW_EMPLOYEES.label, default=False)
    can_add_employees = models.BooleanField(Flag.ADD_EMPLOYEES.label, default=False)
    can_remove_employees = models.BooleanField(Flag.REMOVE_EMPLOYEES.label, default=False)
    can_change_employee_details = models.BooleanField(Flag.CHANGE_EMPLOYEE_DETAILS.label, default=False)
    can_view_purchases = models.BooleanField(Flag.VIEW_PURCHASES.label, default=False)
    can_create_purchases = models.BooleanField(Flag.CREATE_PURCHASES.label, default=False)
    can_add_to_purchases = models.BooleanField(Flag.ADD_TO_PURCHASES.label, default=False)
    can_complete_purchases = models.BooleanField(Flag.COMPLETE_PURCHASES.label, default=False)
    can_use_funds = models.BooleanField(Flag.USE_FUNDS.label, default=False)
    can_view_applications = models.BooleanField(Flag.VIEW_APPLICATIONS.label, default=False)
    can_fill_in_applications = models.BooleanField(Flag.FILL_IN_APPLICATIONS.label, default=False)
    can_endorse_grading = models.BooleanField(Flag.ENDORSE_GRADING.label, default=False)
    can_endorse_qualified_supervisor = models.BooleanField(Flag.ENDORSE_QUALIFIED_SUPERVISOR.label, default=False)
    can_add_users = models.BooleanField(Flag.ADD_USERS.label, default=False)
    can_remove_users = models.BooleanField(Flag.REMOVE_USERS.label, default=False)
    can_change_user_permissions = models.BooleanField(Flag.CHANGE_USER_PERMISSIONS.label, default=False)
    can_reset_user_passwords = models.BooleanField(Flag.RESET_USER_PASSWORDS.label, default=False)
    can_create_company_groups = models.BooleanField(Flag.CREATE_COMPANY_GROUPS.label, default=False)
    can_edit_employer_details = models.BooleanField(Flag.EDIT_EMPLOYER_DETAILS.label, default=False)
    can_create_contracts = models.BooleanField(Flag.CREATE_CONTRACTS.label, default=False)
    can_add_subcontractors = models.BooleanField(Flag.ADD_SUBCONTRACTORS.label, default=False)
    can_manage_contract_workers = models.BooleanField(Flag.MANAGE_CONTRACT_WORKERS.label, default=False)
    can_view_contracts = models.BooleanField(Flag.VIEW_CONTRACTS.label, default=False)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"

    def has_flag(self, flag: Flag | str) -> bool:
        return bool(getattr(self, Flag(flag).value))

    @property
    def flags(self) -> set[Flag]:
        return {flag for flag in Flag if getattr(self, flag.value)}

    @property
    def is_active(self) -> bool:
        return self.removed_at is None and self.user.is_active


class PortalUserEvent(models.Model):
    """Every change to a portal user's membership: who did what to whom, and when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="user_events")
    target = models.ForeignKey(PortalUser, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what


class OrganisationEvent(models.Model):
    """Every change to an organisation's own details: who changed what, and when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what
