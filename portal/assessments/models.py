"""ECS Assessments by remote invigilation: the catalogue, credits, bookings, sittings and results."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

HSE_CODE = "hse"
INVITE_VALID_DAYS = 30


def sitting_photo_path(instance, filename: str) -> str:
    return f"assessments/sittings/{instance.booking_id}/{uuid.uuid4().hex}-{filename}"


class AssessmentType(models.Model):
    """An assessment the JIB offers by remote invigilation, with its published price (reference data)."""

    code = models.SlugField(max_length=40, unique=True, help_text="hse, or one of the licence's assessment types.")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price_pence = models.PositiveIntegerField(help_text="One credit, VAT included.")
    vat_rate_basis_points = models.PositiveIntegerField(default=2000, help_text="20% is 2000.")
    duration_minutes = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField(help_text="Questions drawn at random for each sitting.")
    pass_mark_percent = models.PositiveSmallIntegerField()
    pass_valid_years = models.PositiveSmallIntegerField(
        default=2, help_text="How long a pass stays valid on the ECS record."
    )
    # Attention prompts during a sitting: how many, and how long the delegate has to click each.
    prompt_count = models.PositiveSmallIntegerField(default=3)
    prompt_response_seconds = models.PositiveSmallIntegerField(default=20)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark_percent__lte=100), name="pass_mark_is_a_percentage"),
            models.CheckConstraint(condition=Q(question_count__gt=0), name="assessment_has_questions"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_hse(self) -> bool:
        return self.code == HSE_CODE


class Question(models.Model):
    """One multiple-choice question in an assessment type's bank: four answers, one correct."""

    class Answer(models.TextChoices):
        A = "a", "A"
        B = "b", "B"
        C = "c", "C"
        D = "d", "D"

    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, related_name="questions")
    topic = models.CharField(max_length=60, blank=True)
    text = models.TextField()
    choice_a = models.CharField(max_length=300)
    choice_b = models.CharField(max_length=300)
    choice_c = models.CharField(max_length=300)
    choice_d = models.CharField(max_length=300)
    correct = models.CharField(max_length=1, choices=Answer.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["assessment_type", "pk"]
        indexes = [models.Index(fields=["assessment_type", "is_active"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The four answers as (letter, text), in the order shown."""
        return [("a", self.choice_a), ("b", self.choice_b), ("c", self.choice_c), ("d", self.choice_d)]


class CreditLedgerEntry(models.Model):
    """One movement of an organisation's assessment credits of one type. Append-only; the balance is the sum."""

    class Reason(models.TextChoices):
        PURCHASE = "purchase", "Credits bought"
        BOOKING = "booking", "Used for a booking"
        CANCELLATION = "cancellation", "Returned: booking cancelled"
        EXPIRY_RETURN = "expiry_return", "Returned by the JIB"
        CORRECTION = "correction", "Correction by the JIB"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="assessment_credit_entries"
    )
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, related_name="credit_entries")
    change = models.IntegerField(help_text="Positive in, negative out.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    booking = models.ForeignKey(
        "assessments.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="assessment_credit_entries"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "credit ledger entries"
        indexes = [models.Index(fields=["organisation", "assessment_type"])]
        constraints = [
            # An order grants its credits once, however often the news of its payment arrives.
            models.UniqueConstraint(
                fields=["order", "assessment_type"],
                condition=Q(reason="purchase", order__isnull=False),
                name="credits_granted_once_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_type} {self.change:+d} ({self.get_reason_display()})"


class CreditPurchase(models.Model):
    """Which assessment type and how many credits an order line buys."""

    line = models.OneToOneField("orders.OrderLine", on_delete=models.CASCADE, related_name="assessment_credits")
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × {self.assessment_type} credit"


class Booking(models.Model):
    """One delegate booked for one assessment, using one credit. Its type never changes after booking."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        INVITED = "invited", "Delegate invited"
        IN_PROGRESS = "in_progress", "Assessment in progress"
        SUBMITTED = "submitted", "Submitted - being marked and reviewed"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        VOIDED = "voided", "Voided by the invigilator"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired - not taken"

    # Not finished: a second booking for the same delegate and type is refused while one of these is open.
    OPEN = (Status.BOOKED, Status.INVITED, Status.IN_PROGRESS, Status.SUBMITTED)
    # The delegate has not started: cancelling returns the credit.
    CANCELLABLE = (Status.BOOKED, Status.INVITED)
    ENDED = (Status.PASSED, Status.FAILED, Status.VOIDED, Status.CANCELLED, Status.EXPIRED)

    reference = models.CharField(max_length=12, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="assessment_bookings"
    )
    # The delegate's office when booked: the scope for the employer's users.
    office = models.ForeignKey("organisations.Office", on_delete=models.PROTECT, related_name="assessment_bookings")
    employment = models.ForeignKey("employees.Employment", on_delete=models.PROTECT, related_name="assessment_bookings")
    operative = models.ForeignKey("registry.Operative", on_delete=models.PROTECT, related_name="assessment_bookings")
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED, db_index=True)
    # Where the delegate's single-use link is sent.
    delegate_email = models.EmailField()
    delegate_mobile = models.CharField(max_length=20, blank=True)
    # The employer's statement that the delegate agreed to be booked and to remote invigilation.
    consent_statement = models.TextField()
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField()
    # The delegate's link: only its SHA-256 is kept; valid 30 days from sending, used once.
    invite_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invite_sent_at = models.DateTimeField(null=True, blank=True)
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    invite_used_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "office"])]
        constraints = [
            models.UniqueConstraint(
                fields=["operative", "assessment_type"],
                condition=Q(status__in=["booked", "invited", "in_progress", "submitted"]),
                name="one_open_booking_per_delegate_and_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.assessment_type}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_cancellable(self) -> bool:
        return self.status in self.CANCELLABLE


class BookingEvent(models.Model):
    """Every change to a booking: who, when, what, from which status."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    from_status = models.CharField(max_length=20, blank=True, choices=Booking.Status.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=Booking.Status.choices)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what


class Sitting(models.Model):
    """The delegate's remote session for a booking: verification photos, the paper, answers, timer and result."""

    class IdDocument(models.TextChoices):
        PASSPORT = "passport", "Passport"
        DRIVING_LICENCE = "driving_licence", "UK photo driving licence"
        ECS_CARD = "ecs_card", "ECS card"

    class ReviewOutcome(models.TextChoices):
        PENDING = "", "Not reviewed"
        CONFIRMED = "confirmed", "Confirmed"
        VOIDED = "voided", "Voided"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="sitting")
    # Stage 1: delegate verification
    details_confirmed_at = models.DateTimeField(null=True, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    webcam_photo = models.FileField(upload_to=sitting_photo_path, blank=True)
    id_photo = models.FileField(upload_to=sitting_photo_path, blank=True)
    id_document = models.CharField(max_length=20, choices=IdDocument.choices, blank=True)
    # The automated hints (e.g. {"faces": 1, "ok": true, "message": "..."}); the decision stays with a person.
    webcam_face_hint = models.JSONField(default=dict, blank=True)
    id_face_hint = models.JSONField(default=dict, blank=True)
    # Stage 2: the assessment (timer and answers held here, so a refresh resumes where it was)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    paper = models.JSONField(default=list, blank=True, help_text="Question ids, in the order asked.")
    answers = models.JSONField(default=dict, blank=True, help_text="Question id (as text) to the letter chosen.")
    current_position = models.PositiveSmallIntegerField(default=0)
    # The attention prompts the server scheduled: [{"at": iso, "due": iso, "answered_at": iso|null}, ...]
    prompts = models.JSONField(default=list, blank=True)
    # The one browser tab allowed to answer: a second tab gets a different token and is refused.
    client_token = models.CharField(max_length=64, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Marking
    marked_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Correct answers.")
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    # The invigilator's review
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True, default="")
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Sitting of {self.booking}"

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SittingEvent(models.Model):
    """What happened during a sitting, in order: the invigilator reads this log."""

    class Kind(models.TextChoices):
        VERIFIED = "verified", "Verification photos taken"
        STARTED = "started", "Started"
        ANSWERED = "answered", "Answered"
        PROMPT_SHOWN = "prompt_shown", "Attention prompt shown"
        PROMPT_ANSWERED = "prompt_answered", "Attention prompt answered"
        PROMPT_MISSED = "prompt_missed", "Attention prompt missed"
        FOCUS_LOST = "focus_lost", "Left the assessment window"
        PAUSED = "paused", "Connection lost"
        RESUMED = "resumed", "Resumed"
        SECOND_TAB = "second_tab", "Refused a second window"
        TIMED_OUT = "timed_out", "Time ran out"
        SUBMITTED = "submitted", "Submitted"
        MARKED = "marked", "Marked"
        REVIEWED = "reviewed", "Reviewed by the invigilator"

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d %b %Y %H:%M:%S}"


class AssessmentResult(models.Model):
    """A result on the delegate's ECS record, for every assessment type. For HS&E the registry's HseResult is
    recorded too (through hse_result_record, so card applications waiting for it are released) and linked here."""

    operative = models.ForeignKey("registry.Operative", on_delete=models.PROTECT, related_name="assessment_results")
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, related_name="results")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="result")
    number = models.CharField("assessment number", max_length=20, unique=True)
    taken_on = models.DateField()
    passed = models.BooleanField()
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    hse_result = models.OneToOneField(
        "registry.HseResult", on_delete=models.PROTECT, null=True, blank=True, related_name="assessment_result"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["operative", "assessment_type"])]

    def __str__(self) -> str:
        return f"{self.assessment_type} {self.number} ({'pass' if self.passed else 'fail'})"
