from django.conf import settings
from django.db import models


class Position(models.TextChoices):
    CEO = "ceo", "CEO"
    DIRECTOR = "director", "Director"
    COMPANY_SECRETARY = "company_secretary", "Company Secretary"
    OTHER = "other", "Other senior authority"


class AssessmentType(models.TextChoices):
    ELECTRICAL_SAFETY_UNIT = "electrical_safety_unit", "Electrical Safety Unit"
    SECURITY = "security", "Security"
    FIRE = "fire", "Fire"
    FIRE_AND_SECURITY = "fire_and_security", "Fire and Security"
    FIRE_AND_EMERGENCY_LIGHTING = "fire_and_emergency_lighting", "Fire and Emergency Lighting"
    NETWORK_INFRASTRUCTURE = "network_infrastructure", "Network Infrastructure"


class OrganisationKind(models.TextChoices):
    """What kind of body holds the licence: ECS Check shows it beside the organisation in a supply chain."""

    CONTRACTOR = "contractor", "Contractor"
    CLIENT = "client", "Client"
    LOCAL_AUTHORITY = "local_authority", "Local or public authority"
    NHS_TRUST = "nhs_trust", "NHS trust or similar"
    OTHER = "other", "Other"


class LicencePart(models.TextChoices):
    """The three systems a licence may include (seed 001)."""

    EMPLOYER_PORTAL = "employer_portal", "ECS Employer Portal"
    ECS_CHECK = "ecs_check", "ECS Check - Client and Supply Chain"
    ASSESSMENTS = "assessments", "ECS Assessments - Remote Invigilation"


class LicenceApplication(models.Model):
    """An organisation's application for a licence to the ECS Online Systems (seeds 000 and 001)."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Received: automated checks running"
        VERIFYING = "verifying", "Being verified by the JIB"
        INFORMATION_REQUESTED = "information_requested", "More information requested"
        SETTING_UP = "setting_up", "Approved: office structure being set up"
        GRANTED = "granted", "Licence granted"
        REJECTED = "rejected", "Rejected"

    class Decision(models.TextChoices):
        """The JIB verification's outcome."""

        APPROVE = "approve", "Approve: go on to set up the office structure"
        INFORMATION = "information", "Ask the applicant for more information"
        REJECT = "reject", "Reject the application"

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.CHECKING)
    # The organisation
    organisation_name = models.CharField("organisation title / business name", max_length=200)
    address = models.TextField("main address")
    postcode = models.CharField(max_length=10)
    telephone = models.CharField("main telephone number", max_length=20)
    contact_email = models.EmailField("email for updates about this application")
    # Signatory
    signatory_name = models.CharField("name of signatory", max_length=200)
    signatory_job_title = models.CharField("job title", max_length=100)
    signatory_position = models.CharField("position", max_length=30, choices=Position.choices)
    terms_accepted = models.BooleanField(default=False)
    signed_on = models.DateField("date")
    # Membership or company details
    jib_membership_number = models.CharField("JIB membership number", max_length=20, blank=True)
    eca_membership_number = models.CharField("ECA membership number", max_length=20, blank=True)
    companies_house_number = models.CharField("Companies House registration number", max_length=8, blank=True)
    accounts = models.FileField(
        "last financial year's consolidated accounts", upload_to="licensing/accounts/%Y/", blank=True
    )
    directly_employed_operatives = models.PositiveIntegerField("number of directly employed operatives")
    organisation_kind = models.CharField(
        "kind of organisation", max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.CONTRACTOR
    )
    # What is wanted
    wants_employer_portal = models.BooleanField("ECS Employer Portal", default=True)
    wants_ecs_check = models.BooleanField("ECS Check - Client and Supply Chain", default=False)
    wants_assessments = models.BooleanField("ECS Assessments - Remote Invigilation", default=False)
    assessment_types = models.JSONField(default=list, blank=True)
    # Primary User
    primary_title = models.CharField("title", max_length=20, blank=True)
    primary_first_name = models.CharField("forename", max_length=100)
    primary_last_name = models.CharField("surname", max_length=100)
    primary_email = models.EmailField("email")
    primary_telephone = models.CharField("telephone", max_length=20, blank=True)
    primary_mobile = models.CharField("mobile phone number", max_length=20)
    # Casework
    findings = models.JSONField(default=dict, blank=True)
    decision_reason = models.TextField(blank=True)
    information_request = models.TextField(blank=True)
    information_response = models.TextField(blank=True)
    information_upload = models.FileField(upload_to="licensing/information/%Y/", blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    # Who agreed the office structure with the Primary User: the licence is granted in their name.
    set_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_name}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.SETTING_UP

    @property
    def awaits_information(self) -> bool:
        return self.status == self.Status.INFORMATION_REQUESTED

    @property
    def is_member(self) -> bool:
        return bool(self.jib_membership_number or self.eca_membership_number)

    @property
    def services(self) -> list[str]:
        return [
            label
            for wanted, label in (
                (self.wants_employer_portal, "ECS Employer Portal"),
                (self.wants_ecs_check, "ECS Check - Client and Supply Chain"),
                (self.wants_assessments, "ECS Assessments - Remote Invigilation"),
            )
            if wanted
        ]

    @property
    def assessment_type_labels(self) -> list[str]:
        return [AssessmentType(code).label for code in self.assessment_types]


class CaseEvent(models.Model):
    """Every state change of a case: who, when, what, from which state."""

    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True, choices=LicenceApplication.Status.choices)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what


class MembershipRecord(models.Model):
    """JIB and ECA membership records that the automated checks read (reference data)."""

    class Scheme(models.TextChoices):
        JIB = "jib", "JIB"
        ECA = "eca", "ECA"

    scheme = models.CharField(max_length=3, choices=Scheme.choices)
    number = models.CharField(max_length=20)
    company_name = models.CharField(max_length=200)
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="unique_membership_number")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.number} {self.company_name}"


class Licence(models.Model):
    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.PROTECT, related_name="licence")
    # Null for a licence carried over from before online applications.
    application = models.OneToOneField(
        LicenceApplication, on_delete=models.PROTECT, related_name="licence", null=True, blank=True
    )
    organisation_kind = models.CharField(
        "kind of organisation", max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.CONTRACTOR
    )
    employer_portal = models.BooleanField(default=False)
    ecs_check = models.BooleanField(default=False)
    assessments = models.BooleanField(default=False)
    assessment_types = models.JSONField(default=list, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Licence of {self.organisation}"

    def covers(self, part: "LicencePart | str") -> bool:
        """Whether the licence includes `part` (one of LicencePart)."""
        return bool(getattr(self, LicencePart(part).value))

    @property
    def parts(self) -> list[str]:
        """The labels of the parts the licence includes, in the seed's order."""
        return [part.label for part in LicencePart if self.covers(part)]


class LicenceEvent(models.Model):
    """A change to a granted licence by the JIB licensing team (its parts, its assessment types): who, when, what."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what
