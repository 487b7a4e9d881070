"""The national ECS record of every operative: cards, HS&E results, qualifications. Reference data is editable."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models


class CardTypeFamily(models.Model):
    """e.g. Core - Electrical, Managerial, Apprentice (reference data)."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "card type families"

    def __str__(self) -> str:
        return self.name


class CardType(models.Model):
    """An ECS card type (reference data): how long a card lasts and whether it can be renewed."""

    family = models.ForeignKey(CardTypeFamily, on_delete=models.PROTECT, related_name="card_types")
    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=40)
    colour = models.CharField(max_length=30, blank=True)
    duration_months = models.PositiveSmallIntegerField()
    renewable = models.BooleanField(default=True)
    renewal_window_months = models.PositiveSmallIntegerField(default=3)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family__position", "name"]

    def __str__(self) -> str:
        return self.name


class Operative(models.Model):
    """The national record of one person. Employers never edit name, date of birth or NI number."""

    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other"
        NOT_SAID = "", "Prefer not to say"

    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField()
    ni_number = models.CharField("NI number", max_length=9, unique=True)
    registered_electrician_since = models.DateField("ECS Registered Electrician since", null=True, blank=True)
    qualified_supervisor_since = models.DateField("Qualified Supervisor since", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class CardStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expiring soon"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
    NONE = "none", "No card"


EXPIRING_WITHIN = relativedelta(months=3)


def current_cards(cards: models.QuerySet) -> models.QuerySet:
    """The rule for an operative's current card, in one place: of `cards` (one operative's), those not cancelled,
    latest expiry first and the newest row first on a tie; the first is the current card. The employment's summary
    (`Employment.card`, kept by `portal.employees.services.employment_card_refresh`) and the lists follow it."""
    return cards.filter(cancelled_at__isnull=True).order_by("-expires_on", "-pk")


class Card(models.Model):
    operative = models.ForeignKey(Operative, on_delete=models.CASCADE, related_name="cards")
    card_type = models.ForeignKey(CardType, on_delete=models.PROTECT, related_name="cards")
    number = models.CharField(max_length=12, unique=True)
    issued_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # What the card shows, when it was issued through a card application.
    occupation = models.ForeignKey("Occupation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    grade = models.ForeignKey("Grade", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-expires_on"]
        indexes = [models.Index(fields=["operative", "-expires_on"])]

    def __str__(self) -> str:
        return f"{self.card_type.short_name} {self.number}"

    def status_on(self, day: date) -> CardStatus:
        if self.cancelled_at is not None:
            return CardStatus.CANCELLED
        if self.expires_on < day:
            return CardStatus.EXPIRED
        if self.expires_on <= day + EXPIRING_WITHIN:
            return CardStatus.EXPIRING
        return CardStatus.VALID

    @property
    def status(self) -> CardStatus:
        return self.status_on(date.today())


class HseResult(models.Model):
    """A Health, Safety & Environmental assessment sitting and its result."""

    operative = models.ForeignKey(Operative, on_delete=models.CASCADE, related_name="hse_results")
    number = models.CharField("H&S assessment number", max_length=20, unique=True)
    taken_on = models.DateField()
    passed = models.BooleanField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_on"]
        verbose_name = "HS&E result"

    def __str__(self) -> str:
        return f"HS&E {self.number} ({'pass' if self.passed else 'fail'})"

    def is_valid_on(self, day: date) -> bool:
        return self.passed and self.expires_on is not None and self.expires_on >= day


class Qualification(models.Model):
    """A qualification an operative holds, as recorded on the ECS record."""

    operative = models.ForeignKey(Operative, on_delete=models.CASCADE, related_name="qualifications")
    title = models.CharField(max_length=200)
    awarding_body = models.CharField(max_length=100)
    certificate_number = models.CharField(max_length=40, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=False)

    class Meta:
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return self.title


# The card-application catalogue (reference data, seeded and editable in admin).


class AwardingBody(models.Model):
    """A body that awards qualifications and checks its certificates (City & Guilds, EAL, LCL Awards...)."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    reference_label = models.CharField(max_length=60, default="Certificate number")
    asks_learner_reference = models.BooleanField(
        default=False, help_text="The body identifies learners by a reference (e.g. ULN) instead of date of birth."
    )
    printed_names = models.TextField(
        blank=True, help_text="Other names the body prints on its certificates, one a line (read by the OCR)."
    )
    number_pattern = models.CharField(
        max_length=100,
        blank=True,
        help_text="A regular expression every certificate number of this body matches in full (read by the OCR).",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceType(models.Model):
    """A kind of evidence that is not a certificate (JIB grading record, apprenticeship completion, employer letter)."""

    name = models.CharField(max_length=100, unique=True)
    instructions = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QualificationType(models.Model):
    """A qualification the scheme recognises (e.g. City & Guilds 2365-03)."""

    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="qualification_types")
    code = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["awarding_body__name", "title"]
        constraints = [models.UniqueConstraint(fields=["awarding_body", "title"], name="unique_qualification_type")]

    def __str__(self) -> str:
        return f"{self.title} ({self.awarding_body.name}{' ' + self.code if self.code else ''})"


class Occupation(models.Model):
    """An occupation a card type covers, as main and/or additional occupation."""

    card_type = models.ForeignKey(CardType, on_delete=models.PROTECT, related_name="occupations")
    name = models.CharField(max_length=100)
    can_be_main = models.BooleanField(default=True)
    can_be_additional = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["card_type", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["card_type", "name"], name="unique_occupation_per_card_type")]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    """A grade within an occupation where grading applies (a change needs the employer's endorsement)."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["occupation", "position"]

    def __str__(self) -> str:
        return self.name


class OccupationRequirement(models.Model):
    """One requirement of an occupation: any one of the listed qualifications meets it."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="requirements")
    description = models.CharField(max_length=200)
    any_of = models.ManyToManyField(QualificationType, related_name="meets")

    class Meta:
        ordering = ["occupation", "pk"]

    def __str__(self) -> str:
        return self.description


class HseExemption(models.Model):
    """A recognised exemption from the HS&E assessment, with the evidence it needs."""

    name = models.CharField(max_length=150, unique=True)
    evidence = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "HS&E exemption"

    def __str__(self) -> str:
        return self.name
