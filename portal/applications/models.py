"""Card applications: what the employer fills in (four steps), the documents, and every change of state."""

from uuid import uuid4

from django.conf import settings
from django.db import models

from portal.orders.models import ApplicationType


# Personal data: a stored file's name carries no part of the person's name or of the original file name.
def photo_path(instance, filename: str) -> str:
    return f"applications/photos/{uuid4().hex}"


def document_path(instance, filename: str) -> str:
    return f"applications/documents/{uuid4().hex}"


class CardApplication(models.Model):
    """One operative's application for one card, made by their employer. Its process is a viewflow process."""

    class Status(models.TextChoices):
        # The employer's part
        IN_PROGRESS = "in_progress", "In progress"
        FINALISED = "finalised", "Finalised - awaiting ordering"
        ORDERED = "ordered", "Ordered - awaiting payment"
        # The JIB's part, as MyECS shows it
        RECEIVED = "received", "Received"
        AWAITING_ENDORSEMENT = "awaiting_endorsement", "Awaiting endorsement"
        VERIFYING = "verifying", "Verifying"
        ON_HOLD = "on_hold", "On hold"
        CONDITIONAL_HOLD = "conditional_hold", "Conditional hold"
        VERIFIED = "verified", "Verified"
        APPROVED = "approved", "Approved"
        PREPARED = "prepared", "Prepared"
        DISPATCHED = "dispatched", "Dispatched"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Paid and in the JIB's hands, not yet finished, in the order a case moves through them.
    JIB_STAGES = (
        Status.RECEIVED,
        Status.AWAITING_ENDORSEMENT,
        Status.VERIFYING,
        Status.ON_HOLD,
        Status.CONDITIONAL_HOLD,
        Status.VERIFIED,
        Status.APPROVED,
        Status.PREPARED,
    )
    # Finished by the JIB: the card was sent, or the application was refused.
    FINISHED = (Status.DISPATCHED, Status.REJECTED)
    # Over: finished, or withdrawn by the employer.
    ENDED = (Status.DISPATCHED, Status.REJECTED, Status.WITHDRAWN)
    # The employer may withdraw an application not yet ordered.
    WITHDRAWABLE = (Status.IN_PROGRESS, Status.FINALISED)

    class PreCheckOutcome(models.TextChoices):
        PASSED = "passed", "All passed"
        AWAITING_HSE = "awaiting_hse", "All passed but the HS&E assessment"
        MANUAL = "manual", "A case worker is needed"

    class Endorsement(models.TextChoices):
        GRADING = "grading", "Change in grading"
        SUPERVISOR = "supervisor", "Qualified Supervisor status"

    class HseRoute(models.TextChoices):
        VALID_RESULT = "valid_result", "A valid HS&E assessment on the ECS record"
        EXEMPTION = "exemption", "A recognised exemption"
        WILL_SIT = "will_sit", "The applicant will sit the HS&E assessment"

    class HseSitting(models.TextChoices):
        REMOTE = "remote", "Online, by remote invigilation"
        TEST_CENTRE = "test_centre", "At a test centre"

    reference = models.CharField("application reference", max_length=12, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="card_applications"
    )
    # The applicant's office when the application started: the scope for the employer's users.
    office = models.ForeignKey("organisations.Office", on_delete=models.PROTECT, related_name="card_applications")
    employment = models.ForeignKey("employees.Employment", on_delete=models.PROTECT, related_name="card_applications")
    operative = models.ForeignKey("registry.Operative", on_delete=models.PROTECT, related_name="card_applications")
    card_type = models.ForeignKey("registry.CardType", on_delete=models.PROTECT, related_name="applications")
    application_type = models.CharField(max_length=10, choices=ApplicationType.choices)
    renews_card = models.ForeignKey(
        "registry.Card", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals"
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.IN_PROGRESS, db_index=True)
    # The furthest of the four steps the employer has reached (1 to 4): the application resumes there.
    step = models.PositiveSmallIntegerField(default=1)

    # Step 1: applicant details
    business_phone = models.CharField("business phone (direct dial)", max_length=20, blank=True)
    business_email = models.EmailField("business email (direct email)", blank=True)
    photo = models.FileField(upload_to=photo_path, blank=True)
    photo_problems = models.JSONField(default=list, blank=True)

    # Step 2: HS&E (the qualifications are ApplicationDocuments)
    hse_route = models.CharField("HS&E", max_length=20, choices=HseRoute.choices, blank=True)
    hse_result = models.ForeignKey(
        "registry.HseResult", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hse_exemption = models.ForeignKey(
        "registry.HseExemption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hse_sitting = models.CharField("how the applicant will sit the assessment", max_length=20,
                                   choices=HseSitting.choices, blank=True)  # fmt: skip

    # Step 3: occupations and grading
    main_occupation = models.ForeignKey(
        "registry.Occupation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grade = models.ForeignKey("registry.Grade", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    additional_occupations = models.ManyToManyField("registry.Occupation", blank=True, related_name="+")
    registered_electrician = models.BooleanField("register for the ECS Registered Electrician scheme", default=False)
    qualified_supervisor = models.BooleanField("apply for Qualified Supervisor status", default=False)

    # Step 4: the declaration
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Endorsements by the employer (a change in grading; Qualified Supervisor status)
    grading_endorsed_at = models.DateTimeField(null=True, blank=True)
    grading_endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor_endorsed_at = models.DateTimeField(null=True, blank=True)
    supervisor_endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Which endorsements the process waits for: set when it reaches the step, cleared when the employer decides.
    awaiting_grading_endorsement = models.BooleanField(default=False)
    awaiting_supervisor_endorsement = models.BooleanField(default=False)

    # The JIB's part
    paid_at = models.DateTimeField(null=True, blank=True)
    pre_checks = models.JSONField(default=dict, blank=True)
    hold_reason = models.TextField("what is missing", blank=True)
    decision_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    card = models.ForeignKey("registry.Card", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    # Where the card was sent, as the envelope said (the order's deliver-to office and FAO when it was dispatched).
    dispatched_to = models.TextField("card sent to", blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "office"]),
            models.Index(fields=["operative", "status"]),
            # The employer's lists at national scale: Completed (FINISHED, newest first) and Being Produced
            # (JIB_STAGES, oldest payment first), read in their order from the index.
            models.Index(
                fields=["organisation", "-completed_at"],
                condition=models.Q(status__in=["dispatched", "rejected"]),
                name="application_completed_idx",
            ),
            models.Index(
                fields=["organisation", "paid_at"],
                condition=models.Q(
                    status__in=[
                        "received",
                        "awaiting_endorsement",
                        "verifying",
                        "on_hold",
                        "conditional_hold",
                        "verified",
                        "approved",
                        "prepared",
                    ]
                ),
                name="application_in_hand_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application_type=ApplicationType.INITIAL) | models.Q(renews_card__isnull=False),
                name="renewal_names_the_card_it_renews",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.card_type} - {self.get_application_type_display()}"

    @property
    def type_label(self) -> str:
        return f"{self.card_type.name} - {self.get_application_type_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status in self.WITHDRAWABLE

    @property
    def pre_check_outcome(self) -> "CardApplication.PreCheckOutcome":
        return self.pre_check_outcome_of(self.pre_checks)

    @classmethod
    def pre_check_outcome_of(cls, pre_checks: dict | None) -> "CardApplication.PreCheckOutcome":
        """The outcome in stored pre-check findings (a case worker is needed until they have run)."""
        return cls.PreCheckOutcome((pre_checks or {}).get("outcome", cls.PreCheckOutcome.MANUAL))

    def awaits_endorsement(self, which: str) -> bool:
        """Whether the process waits for the employer's endorsement `which` (an Endorsement value)."""
        return {
            self.Endorsement.GRADING: self.awaiting_grading_endorsement,
            self.Endorsement.SUPERVISOR: self.awaiting_supervisor_endorsement,
        }.get(which, False)


class ApplicationDocument(models.Model):
    """A qualification certificate, reference or HS&E exemption evidence, read by OCR or entered by hand."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", "Qualification certificate"
        REFERENCE = "reference", "Reference"
        HSE_EXEMPTION = "hse_exemption", "HS&E exemption evidence"

    class Entry(models.TextChoices):
        AUTOMATIC = "automatic", "Uploaded for automatic detection"
        MANUAL = "manual", "Details entered by hand"

    class Status(models.TextChoices):
        READING = "reading", "Being read"
        VERIFIED = "verified", "Verified with the awarding body"
        NOT_MATCHED = "not_matched", "Read, but does not match"
        UNREADABLE = "unreadable", "Could not be read"
        MANUAL_CHECK = "manual_check", "For manual checking by the JIB"
        ACCEPTED = "accepted", "Accepted by the JIB"
        REJECTED = "rejected", "Not accepted by the JIB"

    application = models.ForeignKey(CardApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CERTIFICATE)
    entry = models.CharField(max_length=10, choices=Entry.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READING)
    file = models.FileField(upload_to=document_path, blank=True)
    content_type = models.CharField(max_length=40, blank=True)

    # What it is: entered by hand, or as read and recognised
    awarding_body = models.ForeignKey(
        "registry.AwardingBody", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference_type = models.ForeignKey(
        "registry.ReferenceType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualification_type = models.ForeignKey(
        "registry.QualificationType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certificate_number = models.CharField(max_length=40, blank=True)
    learner_reference = models.CharField(max_length=40, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    details = models.TextField(blank=True, help_text="What a reference type asks for, in the employer's words.")

    # What the machine found: the OCR reading, what did not match the record, what the awarding body said
    reading = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=dict, blank=True)
    body_check = models.JSONField(default=dict, blank=True)

    # The JIB's decision on the document
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_verified(self) -> bool:
        return self.status in (self.Status.VERIFIED, self.Status.ACCEPTED)


class ApplicationEvent(models.Model):
    """Every change of an application's state: who, when, from which state, what."""

    application = models.ForeignKey(CardApplication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what
