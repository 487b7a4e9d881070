"""Writes that move a delegate's link and remote session (the sitting): the invitation and its reminder and expiry,
opening the single-use link, the verification photographs, the start, answers, attention prompts, leaving the
window, the review screen, the one submission, the time running out, the marking and the invigilator's review.

The rules of the session, held on the server (the page only shows them and reports what the delegate did):

- The link is sent by email and SMS and is valid for 30 days (INVITE_VALID_DAYS) from the first sending; it opens
  once (`sitting_open`): after that, the browser session that opened it carries on, and a reload resumes.
- One browser tab answers at a time: each page load claims the sitting (`sitting_claim`) and every move carries
  the claim; an older tab's claim is refused (SittingError code "superseded") and the refusal is logged.
- The timer starts at Start and runs on the server. When it runs out, what was answered is submitted and marked
  (unanswered questions count as wrong): the time running out is not a failure.
- Attention prompts are scheduled at random when the assessment starts; each must be clicked within the type's
  `prompt_response_seconds` of appearing. A prompt not clicked in time fails the sitting, whether the page was
  open or not (a lost connection at that moment counts as missed).
- Leaving the assessment tab or window (reported by the page) fails the sitting.
- A failed sitting is submitted at once with its failure reason and marked as a fail; the invigilator reviews
  every sitting and confirms the outcome or voids it.
- A gap of more than PAUSE_AFTER between the page's requests is logged as a pause (connection lost).
"""

import io
import logging
import random
import secrets
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from PIL import Image, UnidentifiedImageError

from portal.accounts.models import User
from portal.accounts.sms import sms_send
from portal.assessments import services
from portal.assessments.face import face_hint
from portal.assessments.models import Booking, BookingEvent, Question, Sitting, SittingEvent
from portal.assessments.selectors import token_hash
from portal.assessments.sitting_signals import sitting_started, sitting_submitted

logger = logging.getLogger(__name__)

Status = Booking.Status
Kind = SittingEvent.Kind

REMIND_AFTER = timedelta(days=7)
PAUSE_AFTER = timedelta(seconds=45)
# The page asks the server at least this often (prompts due, time left).
CHECK_EVERY_SECONDS = 15
# Prompts appear between these fractions of the assessment's time.
PROMPT_WINDOW = (0.1, 0.85)
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_KINDS = ("webcam", "id")
FAILED_PROMPT = "An attention prompt was not clicked in time."
FAILED_FOCUS = "The assessment window was left during the assessment."


class SittingError(Exception):
    """A rule refused the move; the message is for the delegate or the invigilator. `code` names the refusal
    (for the page's script); `field` names the form field it is about."""

    def __init__(self, message: str, *, code: str = "refused", field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _at(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _booking_event(booking: Booking, what: str, *, to_status: str = "", actor: User | None = None) -> None:
    BookingEvent.objects.create(
        booking=booking, actor=actor, from_status=booking.status if to_status else "", to_status=to_status, what=what
    )
    if to_status:
        booking.status = to_status


def _event(sitting: Sitting, kind: str, **detail) -> SittingEvent:
    return SittingEvent.objects.create(sitting=sitting, kind=kind, detail=detail)


def _locked_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("assessment_type", "operative").get(pk=booking.pk)


def _locked_sitting(sitting: Sitting) -> Sitting:
    return (
        Sitting.objects.select_for_update()
        .select_related("booking__assessment_type", "booking__operative")
        .get(pk=sitting.pk)
    )


# The invitation: the single-use link by email and SMS


def _send_link(booking: Booking, token: str, *, reminder: bool) -> None:
    url = settings.SITE_URL + reverse("assessment_session:open", args=[token])
    context = {"booking": booking, "url": url, "reminder": reminder, "expires_at": booking.invite_expires_at}
    subject = " ".join(render_to_string("assessments/session/email/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("assessments/session/email/invitation.txt", context),
        to=[booking.delegate_email],
    )
    message.attach_alternative(render_to_string("assessments/session/email/invitation.html", context), "text/html")
    message.send()
    if booking.delegate_mobile:
        sms_send(
            to=booking.delegate_mobile,
            body=f"Your {booking.assessment_type.name} (ECS) is booked. Take it by "
            f"{timezone.localtime(booking.invite_expires_at):%d %b %Y}: {url}",
        )


def booking_invitation_send(*, booking: Booking) -> str:
    """Send the delegate their link (email, and SMS when a mobile is known): the domain issues it
    (`booking_invite`: valid 30 days, a new one replaces an earlier one). Returns the token."""
    token = services.booking_invite(booking=booking)
    booking.refresh_from_db()
    _send_link(booking, token, reminder=False)
    return token


def booking_invitation_remind(*, booking: Booking) -> str | None:
    """Remind a delegate who has not opened their link after REMIND_AFTER: a new link (the old one stops working),
    the same expiry. Once per booking; returns the token, or None when no reminder is due."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        booking = _locked_booking(booking)
        now = timezone.now()
        due = booking.invite_sent_at is not None and booking.invite_sent_at <= now - REMIND_AFTER
        if booking.status != Status.INVITED or booking.invite_used_at or booking.reminder_sent_at or not due:
            return None
        if booking.invite_expires_at <= now:
            return None
        booking.invite_token_hash = token_hash(token)
        booking.save(update_fields=["invite_token_hash"])
        services.booking_remind(booking=booking)
    booking.refresh_from_db()
    _send_link(booking, token, reminder=True)
    return token


def bookings_remind_and_expire() -> dict[str, int]:
    """The daily sweep: remind delegates whose link is 7 days old, expire links past 30 days (the domain's
    `booking_expire`: the credit was used)."""
    now = timezone.now()
    invited = Booking.objects.filter(status=Status.INVITED, invite_used_at__isnull=True)
    counts = {"reminded": 0, "expired": 0}
    for booking in invited.filter(invite_expires_at__lte=now):
        counts["expired"] += services.booking_expire(booking=booking)
    for booking in invited.filter(
        invite_expires_at__gt=now, reminder_sent_at__isnull=True, invite_sent_at__lte=now - REMIND_AFTER
    ):
        counts["reminded"] += booking_invitation_remind(booking=booking) is not None
    return counts


# Stage 1: the link opened, the photographs


def sitting_open(*, token: str) -> Sitting:
    """The delegate opens their link: it is used up, and the sitting is made. Refused when the link is unknown,
    already used, expired, or the booking is no longer waiting for the delegate."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update().filter(invite_token_hash=token_hash(token or "")).first()
            if token
            else None
        )
        if booking is None:
            raise SittingError("This link is not valid. Use the latest link you were sent.", code="invalid_link")
        if booking.invite_used_at is not None:
            raise SittingError(
                "This link has already been used. Each link opens once: carry on in the browser where you "
                "opened it, or ask your employer to contact the JIB.",
                code="used",
            )
        if booking.status != Status.INVITED:
            raise SittingError(
                f"This assessment is no longer available ({booking.get_status_display().lower()}).", code="closed"
            )
        if booking.invite_expires_at and booking.invite_expires_at <= timezone.now():
            raise SittingError("This link has expired. Ask your employer to book the assessment again.", code="expired")
        booking.invite_used_at = timezone.now()
        _booking_event(booking, "The delegate opened their link.")
        booking.save()
        sitting, _ = Sitting.objects.get_or_create(booking=booking)
    return sitting


def _image_bytes(data: bytes) -> str:
    """The image's format (JPEG or PNG), or SittingError."""
    if not data:
        raise SittingError("Choose a photograph to upload.", code="bad_input", field="photo")
    if len(data) > PHOTO_MAX_BYTES:
        raise SittingError("The photograph must be smaller than 5 MB.", code="bad_input", field="photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise SittingError("The file is not a photograph (JPEG or PNG).", code="bad_input", field="photo") from None
    if kind not in ("JPEG", "PNG"):
        raise SittingError("The photograph must be a JPEG or PNG file.", code="bad_input", field="photo")
    return kind.lower()


def sitting_photo_save(*, sitting: Sitting, kind: str, data: bytes, id_document: str = "") -> dict:
    """Keep the webcam photograph (`kind` "webcam") or the photo ID held to the camera ("id") with its face hint.
    Taken again until the assessment starts. Returns the hint."""
    if kind not in PHOTO_KINDS:
        raise SittingError("Unknown photograph.", code="bad_input")
    extension = _image_bytes(data)
    if id_document and id_document not in Sitting.IdDocument.values:
        raise SittingError("Choose the photo ID you are showing.", code="bad_input", field="id_document")
    hint = face_hint(data=data).as_dict()
    with transaction.atomic():
        sitting = _locked_sitting(sitting)
        if sitting.is_started:
            raise SittingError("The assessment has started: the photographs can no longer be changed.", code="closed")
        field = sitting.webcam_photo if kind == "webcam" else sitting.id_photo
        field.save(f"{kind}.{'jpg' if extension == 'jpeg' else 'png'}", ContentFile(data), save=False)
        if kind == "webcam":
            sitting.webcam_face_hint = hint
        else:
            sitting.id_face_hint = hint
            sitting.id_document = id_document or sitting.id_document
        sitting.save()
        _event(sitting, Kind.VERIFIED, photo=kind, faces=hint["faces"], hint=hint["message"])
    return hint


# Stage 2: start, claim, the moves


def _schedule_prompts(sitting: Sitting, start: datetime) -> list[dict]:
    kind = sitting.booking.assessment_type
    seconds = kind.duration_minutes * 60
    low, high = (int(seconds * f) for f in PROMPT_WINDOW)
    rng = random.SystemRandom()
    offsets = sorted(rng.randint(low, high) for _ in range(kind.prompt_count))
    prompts = []
    for number, offset in enumerate(offsets, start=1):
        at = start + timedelta(seconds=offset)
        prompts.append(
            {
                "id": f"p{number}",
                "at": _iso(at),
                "due": _iso(at + timedelta(seconds=kind.prompt_response_seconds)),
                "shown_at": None,
                "answered_at": None,
                "x": rng.randint(5, 85),
                "y": rng.randint(5, 80),
            }
        )
    return prompts


def sitting_start(*, sitting: Sitting, details_confirmed: bool, terms_accepted: bool) -> Sitting:
    """Start: the details and terms confirmed, both photographs taken; a paper drawn at random, the timer and the
    attention prompts set on the server. Announced (sitting_started)."""
    with transaction.atomic():
        sitting = _locked_sitting(sitting)
        booking = Booking.objects.select_for_update().get(pk=sitting.booking_id)
        if sitting.is_started:
            return sitting
        if booking.status != Status.INVITED:
            raise SittingError(
                f"This assessment is no longer available ({booking.get_status_display().lower()}).", code="closed"
            )
        if not sitting.webcam_photo or not sitting.id_photo:
            raise SittingError("Take both photographs first: yourself, then your photo ID.", code="not_ready")
        if not details_confirmed:
            raise SittingError("Confirm that your details are correct.", code="bad_input", field="details")
        if not terms_accepted:
            raise SittingError("Accept the assessment rules to start.", code="bad_input", field="terms")
        kind = sitting.booking.assessment_type
        ids = list(Question.objects.filter(assessment_type=kind, is_active=True).values_list("pk", flat=True))
        if not ids:
            raise SittingError("This assessment has no questions yet. Contact the JIB.", code="closed")
        paper = random.SystemRandom().sample(ids, min(kind.question_count, len(ids)))
        now = timezone.now()
        sitting.details_confirmed_at = sitting.terms_accepted_at = now
        sitting.started_at, sitting.deadline = now, now + timedelta(minutes=kind.duration_minutes)
        sitting.paper, sitting.answers, sitting.current_position = paper, {}, 1
        sitting.prompts = _schedule_prompts(sitting, now)
        sitting.last_seen_at = now
        sitting.save()
        _event(sitting, Kind.STARTED, questions=len(paper), minutes=kind.duration_minutes)
        _booking_event(booking, "The delegate started the assessment.", to_status=Status.IN_PROGRESS)
        booking.save()
        sitting.booking = booking
        sitting_started.send(sender=Sitting, booking=booking, sitting=sitting)
    return sitting


def sitting_claim(*, sitting: Sitting) -> tuple[Sitting, str]:
    """This browser tab takes over the sitting (a page load): a new claim; an older tab can no longer answer.
    Returns the sitting moved on to now (it may have ended) and the claim."""
    claim = secrets.token_urlsafe(24)
    with transaction.atomic():
        sitting = _locked_sitting(sitting)
        if sitting.is_started and not sitting.is_submitted:
            if sitting.client_token:
                _event(sitting, Kind.RESUMED, detail="The page was opened again (a reload or another window).")
            sitting.client_token = claim
            sitting.save(update_fields=["client_token"])
            _advance(sitting, timezone.now())
    return sitting, claim


def _close(sitting: Sitting, now: datetime, *, failure: str = "") -> None:
    """The sitting ends: submitted (with a failure reason when it failed), waiting to be marked. Announced."""
    sitting.submitted_at = now
    sitting.failure_reason = failure
    sitting.save()
    _event(sitting, Kind.SUBMITTED, answered=len(sitting.answers), failed=failure)
    booking = Booking.objects.select_for_update().get(pk=sitting.booking_id)
    what = f"The assessment ended: {failure}" if failure else "The delegate's answers were submitted."
    _booking_event(booking, what, to_status=Status.SUBMITTED)
    booking.save()
    sitting.booking = booking
    sitting_submitted.send(sender=Sitting, booking=booking, sitting=sitting)


def _missed_prompt(sitting: Sitting, now: datetime) -> dict | None:
    for prompt in sitting.prompts:
        if prompt["answered_at"] is None and _at(prompt["due"]) < now:
            return prompt
    return None


def _advance(sitting: Sitting, now: datetime) -> None:
    """Apply what time has decided since the last request (locked sitting): a pause logged, a prompt missed
    (fails), the time run out (submits). The earlier of a missed prompt and the deadline counts."""
    if not sitting.is_started or sitting.is_submitted:
        return
    if sitting.last_seen_at and now - sitting.last_seen_at > PAUSE_AFTER:
        _event(sitting, Kind.PAUSED, seconds=int((now - sitting.last_seen_at).total_seconds()))
    sitting.last_seen_at = now
    missed = _missed_prompt(sitting, now)
    if missed and _at(missed["due"]) < sitting.deadline:
        if not missed["shown_at"]:
            missed["shown_at"] = missed["at"]
        _event(sitting, Kind.PROMPT_MISSED, prompt=missed["id"], due=missed["due"])
        _close(sitting, _at(missed["due"]), failure=FAILED_PROMPT)
        return
    if now >= sitting.deadline:
        _event(sitting, Kind.TIMED_OUT, answered=len(sitting.answers), questions=len(sitting.paper))
        _close(sitting, sitting.deadline)
        return
    sitting.save(update_fields=["last_seen_at", "prompts"])


def _one_tab(service):
    """A move made from a tab that no longer holds the claim is refused, and the refusal is logged (after the
    refused move's transaction is undone)."""

    @wraps(service)
    def guarded(*, sitting: Sitting, claim: str, **kwargs):
        try:
            return service(sitting=sitting, claim=claim, **kwargs)
        except SittingError as exc:
            if exc.code == "superseded":
                _event(sitting, Kind.SECOND_TAB)
            raise

    return guarded


def _claimed(sitting: Sitting, claim: str, now: datetime) -> Sitting:
    """The sitting, locked and moved on to now, for the tab holding the current claim."""
    sitting = _locked_sitting(sitting)
    if not sitting.is_started:
        raise SittingError("The assessment has not started.", code="not_started")
    if sitting.is_submitted:
        return sitting
    if not claim or claim != sitting.client_token:
        raise SittingError(
            "The assessment is open in another window or tab: only the latest one can answer. Close this one.",
            code="superseded",
        )
    _advance(sitting, now)
    return sitting


def _still_open(sitting: Sitting) -> None:
    if sitting.is_submitted:
        raise SittingError("The assessment has ended.", code="closed")


@_one_tab
def sitting_touch(*, sitting: Sitting, claim: str) -> Sitting:
    """The page asks how things stand: time, prompts and pauses are applied; a prompt due is shown (logged)."""
    with transaction.atomic():
        sitting = _claimed(sitting, claim, timezone.now())
        if not sitting.is_submitted:
            now = timezone.now()
            for prompt in sitting.prompts:
                if prompt["answered_at"] is None and not prompt["shown_at"] and _at(prompt["at"]) <= now:
                    prompt["shown_at"] = _iso(now)
                    _event(sitting, Kind.PROMPT_SHOWN, prompt=prompt["id"])
                    sitting.save(update_fields=["prompts"])
    return sitting


def _position(sitting: Sitting, position) -> int:
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = 0
    if not 1 <= position <= len(sitting.paper):
        raise SittingError("There is no such question.", code="bad_input", field="position")
    return position


@_one_tab
def sitting_answer(*, sitting: Sitting, claim: str, position, choice: str) -> Sitting:
    """The delegate chooses an answer (or changes it) for the question at `position` (1-based)."""
    with transaction.atomic():
        sitting = _claimed(sitting, claim, timezone.now())
        _still_open(sitting)
        position = _position(sitting, position)
        if choice not in Question.Answer.values:
            raise SittingError("Choose one of the four answers.", code="bad_input", field="choice")
        question_id = str(sitting.paper[position - 1])
        changed = question_id in sitting.answers
        sitting.answers[question_id] = choice
        sitting.current_position = position
        sitting.save(update_fields=["answers", "current_position"])
        _event(sitting, Kind.ANSWERED, position=position, changed=changed)
    return sitting


@_one_tab
def sitting_move(*, sitting: Sitting, claim: str, position) -> Sitting:
    """Go to the question at `position` (previous, next, or a change from the review screen)."""
    with transaction.atomic():
        sitting = _claimed(sitting, claim, timezone.now())
        _still_open(sitting)
        sitting.current_position = _position(sitting, position)
        sitting.save(update_fields=["current_position"])
    return sitting


@_one_tab
def sitting_review(*, sitting: Sitting, claim: str) -> Sitting:
    """The review screen: every question with the answer chosen, to change any before submitting."""
    with transaction.atomic():
        sitting = _claimed(sitting, claim, timezone.now())
        _still_open(sitting)
        sitting.current_position = len(sitting.paper) + 1
        sitting.save(update_fields=["current_position"])
    return sitting


@_one_tab
def sitting_prompt_answer(*, sitting: Sitting, claim: str, prompt_id: str) -> Sitting:
    """The delegate clicked an attention prompt: in time it is logged; too late the sitting has already failed."""
    now = timezone.now()
    with transaction.atomic():
        sitting = _claimed(sitting, claim, now)
        _still_open(sitting)
        prompt = next((p for p in sitting.prompts if p["id"] == prompt_id), None)
        if prompt is None or _at(prompt["at"]) > now:
            raise SittingError("There is no attention prompt to answer.", code="bad_input", field="prompt")
        if prompt["answered_at"] is None:
            prompt["answered_at"] = _iso(now)
            prompt["shown_at"] = prompt["shown_at"] or prompt["at"]
            sitting.save(update_fields=["prompts"])
            _event(
                sitting,
                Kind.PROMPT_ANSWERED,
                prompt=prompt_id,
                seconds=round((now - _at(prompt["shown_at"])).total_seconds(), 1),
            )
    return sitting


@_one_tab
def sitting_focus_lost(*, sitting: Sitting, claim: str, what: str) -> Sitting:
    """The page reports that the delegate left the assessment tab or window: the sitting fails."""
    now = timezone.now()
    with transaction.atomic():
        sitting = _claimed(sitting, claim, now)
        if not sitting.is_submitted:
            _event(sitting, Kind.FOCUS_LOST, what=(what or "")[:60])
            _close(sitting, now, failure=FAILED_FOCUS)
    return sitting


@_one_tab
def sitting_submit(*, sitting: Sitting, claim: str) -> Sitting:
    """The delegate submits their answers, once. A second submission is refused."""
    with transaction.atomic():
        sitting = _locked_sitting(sitting)
        if sitting.is_submitted:
            raise SittingError("Your answers have already been submitted.", code="closed")
        sitting = _claimed(sitting, claim, timezone.now())
        if not sitting.is_submitted:
            _close(sitting, timezone.now())
    return sitting


def sittings_close_overdue() -> int:
    """The sweep for sittings whose page is gone: each one whose time ran out or whose prompt was missed is
    closed as if the page had asked. Returns how many were closed."""
    closed = 0
    now = timezone.now()
    for pk in Sitting.objects.filter(started_at__isnull=False, submitted_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            sitting = _locked_sitting(Sitting(pk=pk))
            _advance(sitting, now)
            closed += sitting.is_submitted
    return closed


# Marking and the invigilator's review


def sitting_mark(*, sitting: Sitting) -> Sitting:
    """Mark a submitted sitting: correct answers, percentage, pass or fail against the type's pass mark (a failed
    sitting fails whatever its score). Marking again changes nothing."""
    with transaction.atomic():
        sitting = _locked_sitting(sitting)
        if not sitting.is_submitted:
            raise SittingError("The sitting has not been submitted.", code="not_ready")
        if sitting.marked_at is not None:
            return sitting
        correct = dict(Question.objects.filter(pk__in=sitting.paper).values_list("pk", "correct"))
        score = sum(1 for pk in sitting.paper if sitting.answers.get(str(pk)) == correct.get(pk))
        total = len(sitting.paper) or 1
        sitting.score = score
        sitting.score_percent = round(score * 100 / total)
        kind = sitting.booking.assessment_type
        sitting.passed = not sitting.failure_reason and sitting.score_percent >= kind.pass_mark_percent
        sitting.marked_at = timezone.now()
        sitting.save()
        _event(sitting, Kind.MARKED, score=score, questions=len(sitting.paper), passed=sitting.passed)
    return sitting


def sitting_review_decide(*, sitting: Sitting, actor: User, decision: str, reason: str = "") -> Sitting:
    """The invigilator confirms the marked outcome, or voids the sitting with a reason (no result is recorded;
    the booking is voided)."""
    reason = (reason or "").strip()
    if decision not in ("confirm", "void"):
        raise SittingError("Choose to confirm or to void the sitting.", code="bad_input", field="decision")
    if decision == "void" and not reason:
        raise SittingError("Give the reason for voiding the sitting.", code="bad_input", field="reason")
    with transaction.atomic():
        sitting = _locked_sitting(sitting)
        if sitting.marked_at is None:
            raise SittingError("The sitting has not been marked yet.", code="not_ready")
        if sitting.review_outcome:
            raise SittingError("The sitting has already been reviewed.", code="closed")
        Outcome = Sitting.ReviewOutcome
        sitting.review_outcome = Outcome.CONFIRMED if decision == "confirm" else Outcome.VOIDED
        sitting.review_reason, sitting.reviewed_by, sitting.reviewed_at = reason, actor, timezone.now()
        sitting.save()
        _event(sitting, Kind.REVIEWED, outcome=sitting.review_outcome, reason=reason, by=actor.get_full_name())
        if decision == "void":
            try:
                booking = services.booking_void(booking=sitting.booking, actor=actor, reason=reason)
            except services.AssessmentError as exc:
                raise SittingError(str(exc), code="closed", field=exc.field) from exc
        else:
            booking = Booking.objects.select_for_update().get(pk=sitting.booking_id)
            outcome = "a pass" if sitting.passed else "a fail"
            _booking_event(booking, f"The invigilator confirmed the outcome: {outcome}.", actor=actor)
            booking.save()
        sitting.booking = booking
    return sitting
