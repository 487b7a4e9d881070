"""In a real browser with a fake camera: the delegate opens the link from the email, is photographed with the ID,
starts, answers one question at a time (a reload resumes), clicks an attention prompt, reviews, changes an answer
and submits once; a missed prompt and leaving the window each fail the sitting; the camera refused: upload."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.assessments.models import Booking, Sitting, SittingEvent
from portal.assessments.sitting_services import FAILED_FOCUS, FAILED_PROMPT
from tests.assessments.session.support import face_png, link_token, make_booking
from tests.browser_fixtures import axe_check
from tests.factories import PortalUserFactory

Kind = SittingEvent.Kind


def prompt_in(booking, *, seconds: float, window: int = 20) -> None:
    """One attention prompt, `seconds` from now (negative: already showing)."""
    now = timezone.now()
    sitting = Sitting.objects.get(booking=booking)
    sitting.prompts = [
        {
            "id": "p1",
            "at": (now + timedelta(seconds=seconds)).isoformat(),
            "due": (now + timedelta(seconds=seconds + window)).isoformat(),
            "shown_at": None,
            "answered_at": None,
            "x": 40,
            "y": 40,
        }
    ]
    sitting.save(update_fields=["prompts"])


def photograph(page, kind_title: str) -> None:
    box = page.locator("section.ecs-capture", has=page.get_by_role("heading", name=kind_title))
    box.get_by_role("button", name="Turn on the camera").click()
    take = box.get_by_role("button", name="Take the photograph")
    expect(take).to_be_visible()
    page.wait_for_function(
        "title => [...document.querySelectorAll('section.ecs-capture')].some("
        "s => s.querySelector('h2').textContent === title && s.querySelector('video').videoWidth > 0)",
        arg=kind_title,
    )
    take.click()
    expect(box.locator("[data-capture-hint]")).to_have_text("One face is visible.")


def open_and_start(page, booking) -> None:
    page.goto(f"/assessment/{link_token(booking)}/")
    axe_check(page)
    page.get_by_role("button", name="Continue to the assessment").click()
    page.wait_for_url(re.compile(r"/assessment/session/verify/$"))
    expect(page.get_by_role("button", name="Continue", exact=True)).to_have_attribute("aria-disabled", "true")
    axe_check(page)
    photograph(page, "Your photograph")
    page.get_by_label("UK photo driving licence").check()
    photograph(page, "Your photo ID")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/assessment/session/confirm/$"))
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("#id_details-error")).to_contain_text("Confirm that your details are correct.")
    axe_check(page)
    page.get_by_label("My name and date of birth above are correct").check()
    page.get_by_label(re.compile("I will take the assessment alone")).check()
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(re.compile(r"/assessment/session/assessment/$"))
    expect(page.get_by_role("heading", name="Question 1 of 6")).to_be_visible()


@pytest.fixture
def booking(db):
    primary = PortalUserFactory(all_flags=True)
    return make_booking(primary, prompt_count=0)


def test_the_delegate_takes_the_assessment_from_the_link_to_submitting(camera_page, booking):
    page = camera_page
    open_and_start(page, booking)
    sitting = Sitting.objects.get(booking=booking)
    assert sitting.webcam_face_hint["ok"] and sitting.id_face_hint["ok"] and sitting.id_document == "driving_licence"
    axe_check(page)
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^\d+:\d\d$"))

    page.get_by_label("The safe way", exact=False).check()
    expect(page.get_by_text("1 of 6", exact=True)).to_be_visible()
    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_role("heading", name="Question 2 of 6")).to_be_visible()
    # A reload resumes where it was, with the answer held; an attention prompt comes up and is clicked.
    prompt_in(booking, seconds=2)
    page.reload()
    expect(page.get_by_role("heading", name="Question 2 of 6")).to_be_visible()
    target = page.get_by_role("button", name="Click this target now")
    expect(target).to_be_visible(timeout=20000)
    axe_check(page)
    target.click()
    expect(target).to_be_hidden()
    for n in range(2, 7):
        expect(page.get_by_role("heading", name=f"Question {n} of 6")).to_be_visible()
        page.get_by_label(re.compile("Carry on regardless" if n == 6 else "The safe way")).check()
        expect(page.get_by_text(f"{n} of 6", exact=True)).to_be_visible()
        page.get_by_role("button", name="Review your answers" if n == 6 else "Next question").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    axe_check(page)
    # Change the last answer from the review screen.
    page.get_by_role("button", name="Change the answer to question 6").click()
    expect(page.get_by_role("heading", name="Question 6 of 6")).to_be_visible()
    page.get_by_label(re.compile("The safe way")).check()
    expect(page.get_by_label(re.compile("The safe way"))).to_be_checked()
    page.get_by_role("button", name="Review your answers").click()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(r"/assessment/session/done/$"))
    expect(page.get_by_role("heading", name="Your answers are submitted")).to_be_visible()
    axe_check(page)

    sitting.refresh_from_db()
    assert sitting.is_submitted and not sitting.failure_reason and len(sitting.answers) == 6
    assert sitting.marked_at is not None and sitting.score == 6 and sitting.passed is True
    log = list(sitting.events.values_list("kind", flat=True))
    assert Kind.RESUMED in log and Kind.PROMPT_ANSWERED in log and Kind.FOCUS_LOST not in log
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.SUBMITTED
    # The link opens once.
    page.goto(f"/assessment/{link_token(booking)}/")
    expect(page).to_have_url(re.compile(r"/assessment/session/done/$"))  # the same browser carries on


def test_a_missed_prompt_fails_the_sitting(camera_page, booking):
    page = camera_page
    open_and_start(page, booking)
    prompt_in(booking, seconds=-1, window=3)
    page.reload()
    expect(page.get_by_role("button", name="Click this target now")).to_be_visible()
    page.wait_for_url(re.compile(r"/assessment/session/done/$"), timeout=20000)
    expect(page.get_by_text(FAILED_PROMPT)).to_be_visible()
    sitting = Sitting.objects.get(booking=booking)
    assert sitting.failure_reason == FAILED_PROMPT and sitting.passed is False
    assert sitting.events.filter(kind=Kind.PROMPT_MISSED).exists()


@pytest.mark.parametrize(
    "leave",
    [
        "window.dispatchEvent(new Event('blur'))",
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))",
    ],
    ids=["window-left", "tab-hidden"],
)
def test_leaving_the_window_fails_the_sitting(camera_page, booking, leave):
    page = camera_page
    open_and_start(page, booking)
    page.get_by_label(re.compile("The safe way")).check()
    expect(page.get_by_text("1 of 6", exact=True)).to_be_visible()
    page.evaluate(leave)
    page.wait_for_url(re.compile(r"/assessment/session/done/$"))
    expect(page.get_by_text(FAILED_FOCUS)).to_be_visible()
    sitting = Sitting.objects.get(booking=booking)
    assert sitting.failure_reason == FAILED_FOCUS
    assert sitting.events.filter(kind=Kind.FOCUS_LOST).exists()


def test_with_the_camera_refused_the_delegate_uploads_photographs(camera_page, booking, tmp_path):
    """The delegate refuses the camera (the browser's permission prompt answered No): the upload path."""
    page = camera_page
    page.context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Refused', 'NotAllowedError'));"
    )
    page.goto(f"/assessment/{link_token(booking)}/")
    page.get_by_role("button", name="Continue to the assessment").click()
    page.wait_for_url(re.compile(r"/assessment/session/verify/$"))
    photo = tmp_path / "me.png"
    photo.write_bytes(face_png())
    for title in ("Your photograph", "Your photo ID"):
        box = page.locator("section.ecs-capture", has=page.get_by_role("heading", name=title))
        box.get_by_role("button", name="Turn on the camera").click()
        expect(box.locator("[data-capture-problem]")).to_contain_text("The camera was not allowed")
        box.get_by_label(re.compile("Or upload a photograph")).set_input_files(str(photo))
        box.get_by_role("button", name="Upload the photograph").click()
        expect(box.locator("[data-capture-hint]")).to_have_text("One face is visible.")
    axe_check(page)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/assessment/session/confirm/$"))
    sitting = Sitting.objects.get(booking=booking)
    assert sitting.webcam_photo and sitting.id_photo and sitting.webcam_face_hint["faces"] == 1
