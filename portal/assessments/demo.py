"""Demo ECS Assessments at Brightwire: a licence for HS&E, Electrical Safety Unit and Fire, credits bought through
paid orders, and bookings at every stage (booked, invited, in progress, awaiting review, passed, failed, cancelled,
expired, voided). Idempotent: nothing is added once Brightwire has bookings.

The links of the invited delegates are written to var/demo_assessment_invitations.txt (only their hashes are
stored)."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from portal.accounts.models import User
from portal.assessments import services
from portal.assessments.models import AssessmentType, Booking, Question, Sitting, SittingEvent
from portal.employees.models import Employment
from portal.licensing.models import Licence
from portal.orders.models import Order
from portal.orders.selectors import order_totals
from portal.orders.services import order_mark_paid
from portal.organisations.models import Organisation

DEMO_ORGANISATION = "Brightwire Electrical Ltd"
DEMO_TYPES = ["electrical_safety_unit", "fire"]
CREDITS = {"hse": 12, "electrical_safety_unit": 4, "fire": 4}
# (assessment type, the stage the booking is left at)
STAGES = [
    ("hse", "booked"),
    ("hse", "invited"),
    ("fire", "reminded"),
    ("hse", "in_progress"),
    ("electrical_safety_unit", "awaiting_review"),
    ("hse", "passed"),
    ("fire", "failed"),
    ("hse", "cancelled"),
    ("electrical_safety_unit", "expired"),
    ("hse", "voided"),
]
Status = Booking.Status


def load(*, stdout) -> None:
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    actor = User.objects.filter(email="primary.user@brightwire.example").first()
    if organisation is None or actor is None:
        return
    _licence(organisation)
    if Booking.objects.filter(organisation=organisation).exists():
        return
    _credits(organisation, actor)
    employees = list(
        Employment.objects.filter(organisation=organisation, left_on__isnull=True, operative__card_applications=None)
        .select_related("operative", "office")
        .order_by("operative__last_name", "pk")[: len(STAGES)]
    )
    invitations = []
    rng = random.Random(2026)
    for (code, stage), employment in zip(STAGES, employees, strict=False):
        booking = _booking(organisation, actor, employment, code)
        token = _move(booking, stage, actor, rng)
        if token and stage in ("invited", "reminded"):
            invitations.append(f"{booking.reference} {employment.operative.full_name}: {token}")
    path = settings.VAR_DIR / "demo_assessment_invitations.txt"
    path.write_text("\n".join(invitations) + "\n")
    stdout.write(f"{len(employees)} demo assessment bookings at {organisation.name}; delegates' links in {path}.")


def _licence(organisation: Organisation) -> None:
    """Brightwire's licence includes the Employer Portal and ECS Assessments (HS&E and two other types)."""
    licence, created = Licence.objects.get_or_create(
        organisation=organisation,
        defaults={"employer_portal": True, "assessments": True, "assessment_types": DEMO_TYPES},
    )
    if not created and not licence.assessments:
        licence.assessments = True
        licence.assessment_types = sorted(set(licence.assessment_types) | set(DEMO_TYPES))
        licence.save(update_fields=["assessments", "assessment_types"])


def _credits(organisation: Organisation, actor: User) -> None:
    office = organisation.head_office
    for code, quantity in CREDITS.items():
        assessment_type = AssessmentType.objects.get(code=code)
        order = services.credit_order_create(
            actor=actor, organisation=organisation, assessment_type=assessment_type, quantity=quantity,
            your_reference=f"{assessment_type.name} credits", office=office, billing_office=office,
            accounts_contact="Accounts Team",
        )  # fmt: skip
        order_mark_paid(
            order=order, method=Order.Method.CARD, amount_pence=order_totals(order=order).total_pence,
            source_reference=f"demo-{order.reference}", actor=actor,
        )  # fmt: skip


def _booking(organisation, actor, employment, code) -> Booking:
    first = employment.operative.first_name.lower()
    [booking] = services.booking_create(
        actor=actor, organisation=organisation, assessment_type=AssessmentType.objects.get(code=code),
        delegates=[services.Delegate(employment=employment, email=f"{first}@delegates.example",
                                     mobile="+447700900777")],
        consent=True,
    )  # fmt: skip
    return booking


def _sitting(booking: Booking, rng: random.Random, *, submitted: bool, right: float = 0.9) -> Sitting:
    """A sitting as the remote session leaves it: photos not included (the demo has no camera)."""
    kind = booking.assessment_type
    ids = list(Question.objects.filter(assessment_type=kind, is_active=True).values_list("pk", "correct"))
    paper = rng.sample(ids, kind.question_count)
    started = timezone.now() - timedelta(minutes=kind.duration_minutes)
    answers = {}
    for pk, correct in paper if submitted else paper[:5]:
        answers[str(pk)] = correct if rng.random() < right else "abcd"[("abcd".index(correct) + 1) % 4]
    sitting = Sitting.objects.create(
        booking=booking, details_confirmed_at=started, terms_accepted_at=started, started_at=started,
        deadline=started + timedelta(minutes=kind.duration_minutes), paper=[pk for pk, _ in paper], answers=answers,
        current_position=len(answers) - 1, webcam_face_hint={"faces": 1, "ok": True},
        id_document=Sitting.IdDocument.DRIVING_LICENCE, id_face_hint={"faces": 1, "ok": True},
    )  # fmt: skip
    SittingEvent.objects.create(sitting=sitting, kind=SittingEvent.Kind.STARTED)
    if submitted:
        score = sum(1 for pk, correct in paper if answers[str(pk)] == correct)
        percent = round(100 * score / len(paper))
        sitting.submitted_at = sitting.marked_at = started + timedelta(minutes=kind.duration_minutes - 5)
        sitting.score, sitting.score_percent = score, percent
        sitting.passed = percent >= kind.pass_mark_percent
        sitting.save()
        SittingEvent.objects.create(sitting=sitting, kind=SittingEvent.Kind.SUBMITTED)
    return sitting


def _move(booking: Booking, stage: str, actor: User, rng: random.Random) -> str:
    if stage in ("booked",):
        return ""
    if stage == "cancelled":
        services.booking_cancel(booking=booking, actor=actor)
        return ""
    token = services.booking_invite(booking=booking)
    booking.refresh_from_db()
    if stage == "reminded":
        services.booking_remind(booking=booking)
    elif stage == "expired":
        past = timezone.now() - timedelta(days=1)
        Booking.objects.filter(pk=booking.pk).update(invite_expires_at=past)
        services.booking_expire(booking=booking)
    elif stage in ("in_progress", "awaiting_review", "passed", "failed", "voided"):
        booking.invite_used_at = timezone.now()
        services.booking_event_record(
            booking=booking, to_status=Status.IN_PROGRESS, fields=("invite_used_at",),
            what="The delegate confirmed their details and started the assessment.",
        )  # fmt: skip
        if stage == "in_progress":
            _sitting(booking, rng, submitted=False)
            return token
        sitting = _sitting(booking, rng, submitted=True, right=0.45 if stage == "failed" else 0.97)
        services.booking_event_record(booking=booking, to_status=Status.SUBMITTED, what="Submitted; marked.")
        if stage == "voided":
            invigilator = User.objects.filter(email="verification@jib.example").first()
            services.booking_void(
                booking=booking, actor=invigilator, reason="The photo ID held to the camera did not match the delegate"
            )
        elif stage in ("passed", "failed"):
            sitting.review_outcome = Sitting.ReviewOutcome.CONFIRMED
            sitting.reviewed_at = timezone.now()
            sitting.save(update_fields=["review_outcome", "reviewed_at"])
            services.assessment_result_record(booking=booking)
    return token
