"""The delegate's link and session, through every branch of the services: invitation, reminder and expiry; the
single-use link; the photographs with their face hint; the start; one tab answering; answers, review and one
submission; attention prompts answered and missed; the window left; the time run out; marking; the review."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.accounts.models import SmsMessage
from portal.assessments import sitting_services as services
from portal.assessments.face import face_hint
from portal.assessments.models import Booking, Sitting, SittingEvent
from portal.assessments.selectors import token_hash
from portal.assessments.sitting_services import SittingError
from tests.assessments.session.support import blank_jpeg, face_png, link_token, make_booking

Status = Booking.Status
Kind = SittingEvent.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    """A booking whose delegate was emailed their link (the process's first step)."""

    def make(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            booking = make_booking(primary_user, **changes)
        booking.refresh_from_db()
        return booking

    return make


@pytest.fixture
def verified(invited):
    """A sitting opened from the link, both photographs taken."""

    def make(**changes):
        booking = invited(**changes)
        sitting = services.sitting_open(token=link_token(booking))
        services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
        services.sitting_photo_save(sitting=sitting, kind="id", data=face_png(), id_document="passport")
        return sitting

    return make


@pytest.fixture
def started(verified, django_capture_on_commit_callbacks):
    """A started sitting and its tab's claim."""

    def make(**changes):
        sitting = verified(**changes)
        with django_capture_on_commit_callbacks(execute=True):
            services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=True)
        sitting, claim = services.sitting_claim(sitting=sitting)
        return sitting, claim

    return make


def kinds(sitting) -> list[str]:
    return list(sitting.events.values_list("kind", flat=True))


def set_prompts(sitting, *, at: timedelta, seconds: int = 20):
    """One prompt at now + `at` (negative: in the past)."""
    now = timezone.now()
    sitting.prompts = [
        {
            "id": "p1",
            "at": (now + at).isoformat(),
            "due": (now + at + timedelta(seconds=seconds)).isoformat(),
            "shown_at": None,
            "answered_at": None,
            "x": 10,
            "y": 10,
        }
    ]
    sitting.save(update_fields=["prompts"])


# The invitation, the reminder, the expiry


def test_booking_invites_the_delegate_by_email_and_sms_with_a_link_kept_only_as_a_hash(invited):
    booking = invited()
    assert booking.status == Status.INVITED
    token = link_token(booking)
    assert booking.invite_token_hash == token_hash(token) and token not in booking.invite_token_hash
    assert booking.invite_expires_at - booking.invite_sent_at == timedelta(days=30)
    sms = SmsMessage.objects.get(to="+447700900555")
    assert token in sms.body and booking.assessment_type.name in sms.body
    assert mail.outbox[-1].subject == f"your HS&E Assessment ({booking.reference})"
    assert booking.events.filter(what__startswith="The delegate was invited").exists()


def test_no_mobile_no_sms(invited):
    invited(mobile="")
    assert not SmsMessage.objects.exists()


def test_a_reminder_after_seven_days_replaces_the_link(invited):
    booking = invited()
    first = link_token(booking)
    assert services.booking_invitation_remind(booking=booking) is None  # not yet due
    Booking.objects.filter(pk=booking.pk).update(invite_sent_at=timezone.now() - timedelta(days=8))
    assert services.bookings_remind_and_expire() == {"reminded": 1, "expired": 0}
    second = link_token(booking)
    assert second != first and mail.outbox[-1].subject.startswith("Reminder: ")
    with pytest.raises(SittingError) as refused:
        services.sitting_open(token=first)
    assert refused.value.code == "invalid_link"
    assert services.sitting_open(token=second).booking_id == booking.pk
    assert services.bookings_remind_and_expire() == {"reminded": 0, "expired": 0}  # once


def test_an_unused_link_expires_after_thirty_days_and_the_credit_stays_used(invited):
    booking = invited()
    token = link_token(booking)
    assert services.bookings_remind_and_expire() == {"reminded": 0, "expired": 0}
    Booking.objects.filter(pk=booking.pk).update(invite_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SittingError) as refused:
        services.sitting_open(token=token)
    assert refused.value.code == "expired"
    assert services.bookings_remind_and_expire() == {"reminded": 0, "expired": 1}
    booking.refresh_from_db()
    assert booking.status == Status.EXPIRED
    assert not booking.credit_entries.filter(change__gt=0).exists()


# The single-use link


def test_the_link_opens_once(invited):
    booking = invited()
    token = link_token(booking)
    sitting = services.sitting_open(token=token)
    booking.refresh_from_db()
    assert sitting.booking == booking and booking.invite_used_at is not None
    with pytest.raises(SittingError, match="already been used") as refused:
        services.sitting_open(token=token)
    assert refused.value.code == "used"


@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_an_unknown_link_is_refused(invited, token):
    invited()
    with pytest.raises(SittingError, match="not valid"):
        services.sitting_open(token=token)


def test_a_cancelled_booking_link_is_refused(invited):
    booking = invited()
    Booking.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)
    with pytest.raises(SittingError, match="no longer available") as refused:
        services.sitting_open(token=link_token(booking))
    assert refused.value.code == "closed"


# The photographs and the face hint


def test_face_hint_counts_faces():
    assert face_hint(data=face_png(1)).as_dict() == {"faces": 1, "ok": True, "message": "One face is visible."}
    two = face_hint(data=face_png(2))
    assert two.faces == 2 and not two.ok and "2 faces" in two.message
    none = face_hint(data=blank_jpeg())
    assert none.faces == 0 and not none.ok
    unreadable = face_hint(data=b"not an image")
    assert unreadable.faces is None and "could not be read" in unreadable.message


def test_photographs_are_kept_with_their_hint(invited):
    sitting = services.sitting_open(token=link_token(invited()))
    hint = services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
    assert hint["ok"] is True
    hint = services.sitting_photo_save(sitting=sitting, kind="id", data=blank_jpeg(), id_document="ecs_card")
    assert hint["faces"] == 0
    sitting.refresh_from_db()
    assert sitting.webcam_photo and sitting.id_photo and sitting.id_document == "ecs_card"
    assert sitting.webcam_face_hint["faces"] == 1 and sitting.id_face_hint["faces"] == 0
    assert kinds(sitting) == [Kind.VERIFIED, Kind.VERIFIED]


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("webcam", b"", "Choose a photograph"),
        ("webcam", b"%PDF-1.4 not a photo", "not a photograph"),
        ("webcam", b"x" * (5 * 1024 * 1024 + 1), "smaller than 5 MB"),
        ("selfie", b"", "Unknown photograph"),
    ],
)
def test_a_bad_photograph_is_refused(invited, kind, data, message):
    sitting = services.sitting_open(token=link_token(invited()))
    with pytest.raises(SittingError, match=message):
        services.sitting_photo_save(sitting=sitting, kind=kind, data=data)
    sitting.refresh_from_db()
    assert not sitting.webcam_photo


# The start


def test_start_needs_both_photographs_and_both_confirmations(invited, django_capture_on_commit_callbacks):
    sitting = services.sitting_open(token=link_token(invited()))
    with pytest.raises(SittingError, match="both photographs"):
        services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=True)
    services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
    services.sitting_photo_save(sitting=sitting, kind="id", data=face_png())
    with pytest.raises(SittingError) as refused:
        services.sitting_start(sitting=sitting, details_confirmed=False, terms_accepted=True)
    assert refused.value.field == "details"
    with pytest.raises(SittingError) as refused:
        services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=False)
    assert refused.value.field == "terms"
    sitting.refresh_from_db()
    assert not sitting.is_started and sitting.booking.status == Status.INVITED


def test_start_draws_a_paper_and_sets_the_timer_and_prompts(started):
    sitting, _ = started(questions=6, prompt_count=3)
    kind = sitting.booking.assessment_type
    assert len(sitting.paper) == 6 and len(set(sitting.paper)) == 6
    assert sitting.deadline - sitting.started_at == timedelta(minutes=kind.duration_minutes)
    assert len(sitting.prompts) == 3
    for prompt in sitting.prompts:
        at = services._at(prompt["at"])
        assert sitting.started_at < at < sitting.deadline
        assert services._at(prompt["due"]) - at == timedelta(seconds=kind.prompt_response_seconds)
    assert sitting.booking.status == Status.IN_PROGRESS
    assert kinds(sitting)[-1] == Kind.STARTED
    with pytest.raises(SittingError, match="can no longer be changed"):
        services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())


# One tab answers


def test_a_second_tab_takes_over_and_the_first_can_no_longer_answer(started):
    sitting, first = started()
    sitting, second = services.sitting_claim(sitting=sitting)
    assert first != second and Kind.RESUMED in kinds(sitting)
    with pytest.raises(SittingError) as refused:
        services.sitting_answer(sitting=sitting, claim=first, position=1, choice="a")
    assert refused.value.code == "superseded"
    assert Kind.SECOND_TAB in kinds(sitting)
    sitting = services.sitting_answer(sitting=sitting, claim=second, position=1, choice="a")
    assert len(sitting.answers) == 1


# Answers, review, submit once


def test_answers_are_held_on_the_server_and_can_be_changed_from_the_review(started):
    sitting, claim = started()
    sitting = services.sitting_answer(sitting=sitting, claim=claim, position=1, choice="b")
    sitting = services.sitting_move(sitting=sitting, claim=claim, position=2)
    assert sitting.current_position == 2
    sitting = services.sitting_review(sitting=sitting, claim=claim)
    assert sitting.current_position == len(sitting.paper) + 1
    sitting = services.sitting_answer(sitting=sitting, claim=claim, position=1, choice="a")
    assert sitting.answers == {str(sitting.paper[0]): "a"}
    answered = sitting.events.filter(kind=Kind.ANSWERED)
    assert [e.detail["changed"] for e in answered] == [False, True]
    # A reload resumes where it was.
    again, _ = services.sitting_claim(sitting=Sitting.objects.get(pk=sitting.pk))
    assert again.answers == sitting.answers and again.current_position == 1


@pytest.mark.parametrize(("position", "choice", "field"), [(0, "a", "position"), (99, "a", "position"),
                                                           ("x", "a", "position"), (1, "e", "choice")])  # fmt: skip
def test_bad_answers_are_refused(started, position, choice, field):
    sitting, claim = started()
    with pytest.raises(SittingError) as refused:
        services.sitting_answer(sitting=sitting, claim=claim, position=position, choice=choice)
    assert refused.value.field == field
    sitting.refresh_from_db()
    assert sitting.answers == {}


def test_submitting_twice_is_refused(started, django_capture_on_commit_callbacks):
    sitting, claim = started()
    with django_capture_on_commit_callbacks(execute=True):
        sitting = services.sitting_submit(sitting=sitting, claim=claim)
    assert sitting.is_submitted and sitting.failure_reason == ""
    assert sitting.booking.status == Status.SUBMITTED
    with pytest.raises(SittingError, match="already been submitted"):
        services.sitting_submit(sitting=sitting, claim=claim)
    with pytest.raises(SittingError, match="has ended"):
        services.sitting_answer(sitting=sitting, claim=claim, position=1, choice="a")
    assert kinds(sitting).count(Kind.SUBMITTED) == 1


# Attention prompts, the window left, the time run out, pauses


def test_a_prompt_clicked_in_time_is_logged(started):
    sitting, claim = started()
    set_prompts(sitting, at=timedelta(seconds=-5))
    sitting = services.sitting_touch(sitting=sitting, claim=claim)
    assert sitting.prompts[0]["shown_at"] and Kind.PROMPT_SHOWN in kinds(sitting)
    sitting = services.sitting_prompt_answer(sitting=sitting, claim=claim, prompt_id="p1")
    assert sitting.prompts[0]["answered_at"] and not sitting.is_submitted
    assert Kind.PROMPT_ANSWERED in kinds(sitting)


def test_a_prompt_not_yet_shown_cannot_be_answered(started):
    sitting, claim = started()
    set_prompts(sitting, at=timedelta(minutes=5))
    with pytest.raises(SittingError, match="no attention prompt"):
        services.sitting_prompt_answer(sitting=sitting, claim=claim, prompt_id="p1")


def test_a_missed_prompt_fails_the_sitting(started, django_capture_on_commit_callbacks):
    sitting, claim = started()
    set_prompts(sitting, at=timedelta(seconds=-30), seconds=20)
    with django_capture_on_commit_callbacks(execute=True):
        sitting = services.sitting_touch(sitting=sitting, claim=claim)
    assert sitting.is_submitted and sitting.failure_reason == services.FAILED_PROMPT
    log = kinds(sitting)
    assert log.index(Kind.PROMPT_MISSED) == log.index(Kind.SUBMITTED) - 1
    assert sitting.booking.status == Status.SUBMITTED
    # Clicking it late changes nothing.
    with pytest.raises(SittingError, match="has ended"):
        services.sitting_prompt_answer(sitting=sitting, claim=claim, prompt_id="p1")


def test_leaving_the_window_fails_the_sitting(started, django_capture_on_commit_callbacks):
    sitting, claim = started()
    with django_capture_on_commit_callbacks(execute=True):
        sitting = services.sitting_focus_lost(sitting=sitting, claim=claim, what="tab hidden")
    assert sitting.is_submitted and sitting.failure_reason == services.FAILED_FOCUS
    lost = sitting.events.get(kind=Kind.FOCUS_LOST)
    assert lost.detail == {"what": "tab hidden"}


def test_the_time_running_out_submits_what_was_answered(started, django_capture_on_commit_callbacks):
    sitting, claim = started()
    sitting = services.sitting_answer(sitting=sitting, claim=claim, position=1, choice="a")
    Sitting.objects.filter(pk=sitting.pk).update(deadline=timezone.now() - timedelta(seconds=1), prompts=[])
    with django_capture_on_commit_callbacks(execute=True):
        sitting = services.sitting_touch(sitting=sitting, claim=claim)
    assert sitting.is_submitted and sitting.failure_reason == ""
    assert Kind.TIMED_OUT in kinds(sitting) and len(sitting.answers) == 1


def test_the_earlier_of_a_missed_prompt_and_the_deadline_counts(started, django_capture_on_commit_callbacks):
    sitting, claim = started()
    set_prompts(sitting, at=timedelta(seconds=-30), seconds=20)
    Sitting.objects.filter(pk=sitting.pk).update(deadline=timezone.now() - timedelta(seconds=20))
    with django_capture_on_commit_callbacks(execute=True):
        sitting = services.sitting_touch(sitting=sitting, claim=claim)
    assert sitting.failure_reason == "" and Kind.TIMED_OUT in kinds(sitting)


def test_a_gap_between_requests_is_logged_as_a_pause(started):
    sitting, claim = started()
    Sitting.objects.filter(pk=sitting.pk).update(last_seen_at=timezone.now() - timedelta(minutes=2))
    sitting = services.sitting_touch(sitting=sitting, claim=claim)
    paused = sitting.events.get(kind=Kind.PAUSED)
    assert paused.detail["seconds"] >= 120 and not sitting.is_submitted


def test_the_sweep_closes_abandoned_sittings(started, django_capture_on_commit_callbacks):
    sitting, _ = started()
    live, _ = started()
    Sitting.objects.filter(pk=sitting.pk).update(deadline=timezone.now() - timedelta(seconds=1), prompts=[])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sittings_close_overdue() == 1
    sitting.refresh_from_db()
    live.refresh_from_db()
    assert sitting.is_submitted and not live.is_submitted


# Marking and review


def _submitted(started, capture, answers: dict[int, str]):
    sitting, claim = started()
    for position, choice in answers.items():
        sitting = services.sitting_answer(sitting=sitting, claim=claim, position=position, choice=choice)
    with capture(execute=False):  # the process's marking job is not run here
        sitting = services.sitting_submit(sitting=sitting, claim=claim)
    return sitting


def test_marking_against_the_pass_mark(started, django_capture_on_commit_callbacks):
    # HS&E's pass mark is 80%: 5 of 6 (83%) passes, 4 of 6 (67%) fails.
    passed = _submitted(started, django_capture_on_commit_callbacks, dict.fromkeys(range(1, 6), "a"))
    passed = services.sitting_mark(sitting=passed)
    assert (passed.score, passed.score_percent, passed.passed) == (5, 83, True)
    failed = _submitted(started, django_capture_on_commit_callbacks, {1: "a", 2: "a", 3: "a", 4: "a", 5: "b"})
    failed = services.sitting_mark(sitting=failed)
    assert (failed.score, failed.passed) == (4, False)
    marked_at = failed.marked_at
    assert services.sitting_mark(sitting=failed).marked_at == marked_at  # marking again changes nothing
    assert kinds(failed).count(Kind.MARKED) == 1


def test_a_failed_sitting_fails_whatever_its_score(started, django_capture_on_commit_callbacks):
    sitting, claim = started()
    for position in range(1, 7):
        sitting = services.sitting_answer(sitting=sitting, claim=claim, position=position, choice="a")
    with django_capture_on_commit_callbacks(execute=False):
        sitting = services.sitting_focus_lost(sitting=sitting, claim=claim, what="window left")
    sitting = services.sitting_mark(sitting=sitting)
    assert sitting.score_percent == 100 and sitting.passed is False


def test_an_unsubmitted_sitting_is_not_marked(started):
    sitting, _ = started()
    with pytest.raises(SittingError, match="not been submitted"):
        services.sitting_mark(sitting=sitting)


def test_the_review_confirms_or_voids_with_a_reason(started, django_capture_on_commit_callbacks, primary_user):
    actor = primary_user.user
    sitting = services.sitting_mark(sitting=_submitted(started, django_capture_on_commit_callbacks, {1: "a"}))
    with pytest.raises(SittingError) as refused:
        services.sitting_review_decide(sitting=sitting, actor=actor, decision="void", reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(SittingError) as refused:
        services.sitting_review_decide(sitting=sitting, actor=actor, decision="maybe")
    assert refused.value.field == "decision"
    sitting = services.sitting_review_decide(
        sitting=sitting, actor=actor, decision="void", reason="Another person is in the webcam photograph."
    )
    assert sitting.review_outcome == Sitting.ReviewOutcome.VOIDED and sitting.reviewed_by == actor
    assert sitting.booking.status == Status.VOIDED
    with pytest.raises(SittingError, match="already been reviewed"):
        services.sitting_review_decide(sitting=sitting, actor=actor, decision="confirm")

    other = services.sitting_mark(sitting=_submitted(started, django_capture_on_commit_callbacks, {1: "a"}))
    other = services.sitting_review_decide(sitting=other, actor=actor, decision="confirm")
    assert other.review_outcome == Sitting.ReviewOutcome.CONFIRMED
    assert other.booking.status == Status.SUBMITTED  # until the result is recorded
    assert other.booking.events.filter(what="The invigilator confirmed the outcome: a fail.").exists()


def test_an_unmarked_sitting_cannot_be_reviewed(started, django_capture_on_commit_callbacks, primary_user):
    sitting = _submitted(started, django_capture_on_commit_callbacks, {})
    with pytest.raises(SittingError, match="not been marked"):
        services.sitting_review_decide(sitting=sitting, actor=primary_user.user, decision="confirm")
