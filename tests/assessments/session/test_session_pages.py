"""The delegate's pages and JSON endpoints: the link opens once in one browser, the photographs, the start, the
moves in JSON with clear errors, a second tab refused, the window left, submitting twice, the result page."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from portal.assessments.models import Booking, Sitting
from tests.assessments.session.support import blank_jpeg, face_png, link_token, make_booking

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def booking(primary_user, inline_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = make_booking(primary_user)
    return booking


def opened(booking) -> Client:
    client = Client()
    response = client.post(f"/assessment/{link_token(booking)}/")
    assert response.status_code == 302 and response["Location"] == "/assessment/session/verify/"
    return client


def photographed(client):
    for kind in ("webcam", "id"):
        photo = SimpleUploadedFile(f"{kind}.png", face_png(), content_type="image/png")
        response = client.post(
            f"/assessment/session/photo/{kind}/", {"photo": photo, "id_document": "passport"}, **JSON
        )
        assert response.status_code == 200, response.content
    return client


def started(booking, django_capture_on_commit_callbacks):
    client = photographed(opened(booking))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/assessment/session/confirm/", {"details": "on", "terms": "on"})
    assert response.status_code == 302 and response["Location"] == "/assessment/session/assessment/"
    claim = client.post("/assessment/session/claim/", **JSON).json()
    return client, claim


def move(client, what, claim, data=None):
    return client.post(
        f"/assessment/session/{what}/",
        json.dumps(data or {}),
        content_type="application/json",
        HTTP_X_SITTING_CLAIM=claim,
        **JSON,
    )


def test_the_link_page_changes_nothing_until_the_button(booking):
    token = link_token(booking)
    page = Client().get(f"/assessment/{token}/")
    assert page.status_code == 200 and "Continue to the assessment" in page.text
    assert escape(booking.assessment_type.name) in page.text
    booking.refresh_from_db()
    assert booking.invite_used_at is None


def test_the_link_opens_once_and_the_same_browser_carries_on(booking):
    token = link_token(booking)
    client = opened(booking)
    assert client.get(f"/assessment/{token}/")["Location"] == "/assessment/session/verify/"
    other = Client()
    refused = other.post(f"/assessment/{token}/")
    assert refused.status_code == 410 and "already been used" in refused.text
    assert other.get("/assessment/session/verify/").status_code == 403
    assert Client().get("/assessment/not-a-real-token-at-all/").status_code == 404


def test_an_expired_link_is_refused(booking):
    Booking.objects.filter(pk=booking.pk).update(invite_expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().post(f"/assessment/{link_token(booking)}/")
    assert response.status_code == 410 and "expired" in response.text


def test_the_verification_page_allows_the_camera_and_shows_the_hint(booking):
    client = opened(booking)
    page = client.get("/assessment/session/verify/")
    assert page.status_code == 200 and "camera=(self)" in page["Permissions-Policy"]
    assert "Turn on the camera" in page.text and "Or upload a photograph" in page.text
    photo = SimpleUploadedFile("me.jpg", blank_jpeg(), content_type="image/jpeg")
    response = client.post("/assessment/session/photo/webcam/", {"photo": photo}, **JSON)
    assert response.json()["hint"]["faces"] == 0
    bad = client.post("/assessment/session/photo/webcam/", {"photo": SimpleUploadedFile("x.txt", b"hello")}, **JSON)
    assert bad.status_code == 400 and bad.json() == {
        "error": "The file is not a photograph (JPEG or PNG).",
        "code": "bad_input",
        "field": "photo",
    }
    # The upload form without the script: back to the page, which says what was wrong.
    response = client.post("/assessment/session/photo/id/", {"photo": SimpleUploadedFile("x.txt", b"hello")})
    assert response.status_code == 302
    assert "The file is not a photograph" in client.get("/assessment/session/verify/").text
    # Until both photographs are taken, the next step waits.
    assert client.get("/assessment/session/confirm/")["Location"] == "/assessment/session/verify/"


def test_start_needs_both_confirmations_beside_the_fields(booking):
    client = photographed(opened(booking))
    response = client.post("/assessment/session/confirm/", {"terms": "on"})
    assert response.status_code == 200 and "Confirm that your details are correct." in response.text
    assert re.search(r'<input type="checkbox" name="terms"[^>]* checked', response.text)  # what was given is kept
    assert not Sitting.objects.get(booking=booking).is_started


def test_the_assessment_in_json(booking, django_capture_on_commit_callbacks):
    client, state = started(booking, django_capture_on_commit_callbacks)
    claim = state["claim"]
    assert state["stage"] == "question" and state["question"]["position"] == 1 and state["total"] == 6
    assert (
        len(state["question"]["choices"]) == 4
        and 0 < state["remaining"] <= booking.assessment_type.duration_minutes * 60
    )
    first_a = state["question"]["choices"][0]["text"]
    state = move(client, "answer", claim, {"position": 1, "choice": "a"}).json()
    assert state["answered"] == 1 and state["question"]["chosen"] == "a"
    state = move(client, "move", claim, {"position": 2}).json()
    assert state["question"]["position"] == 2 and state["question"]["chosen"] is None
    bad = move(client, "answer", claim, {"position": 2, "choice": "z"})
    assert bad.status_code == 400 and bad.json()["field"] == "choice"
    state = move(client, "review", claim).json()
    assert state["stage"] == "review" and state["review"][0]["chosen_text"] == first_a
    assert state["review"][1]["chosen_text"] is None
    # A reload resumes on the review screen with the answers held.
    page = client.get("/assessment/session/assessment/")
    assert page.status_code == 200 and "data-assessment-session" in page.text
    again = client.post("/assessment/session/claim/", **JSON).json()
    assert again["stage"] == "review" and again["answered"] == 1
    # The first claim is now refused: one tab answers.
    refused = move(client, "answer", claim, {"position": 1, "choice": "b"})
    assert refused.status_code == 409 and refused.json()["code"] == "superseded"
    claim = again["claim"]
    with django_capture_on_commit_callbacks(execute=True):
        done = move(client, "submit", claim)
    assert done.json() == {"closed": True, "done": "/assessment/session/done/"}
    twice = move(client, "submit", claim)
    assert twice.status_code == 409 and twice.json()["error"] == "Your answers have already been submitted."
    result = client.get("/assessment/session/done/")
    assert "Your answers are submitted" in result.text and "pending the invigilator" in result.text
    assert client.get("/assessment/session/assessment/")["Location"] == "/assessment/session/done/"


def test_leaving_the_window_ends_the_assessment(booking, django_capture_on_commit_callbacks):
    client, state = started(booking, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = move(client, "focus", state["claim"], {"what": "tab hidden"})
    assert response.json()["closed"] is True
    page = client.get("/assessment/session/done/")
    assert "The assessment window was left during the assessment." in page.text and "as a fail" in page.text


def test_a_prompt_due_is_in_the_state_and_answered(booking, django_capture_on_commit_callbacks):
    client, state = started(booking, django_capture_on_commit_callbacks)
    sitting = Sitting.objects.get(booking=booking)
    now = timezone.now()
    sitting.prompts = [
        {"id": "p1", "at": (now - timedelta(seconds=2)).isoformat(), "due": (now + timedelta(seconds=18)).isoformat(),
         "shown_at": None, "answered_at": None, "x": 20, "y": 30},
        {"id": "p2", "at": (now + timedelta(seconds=300)).isoformat(),
         "due": (now + timedelta(seconds=320)).isoformat(), "shown_at": None, "answered_at": None, "x": 1, "y": 1},
    ]  # fmt: skip
    sitting.save()
    state = move(client, "state", state["claim"]).json()
    assert state["prompt"]["id"] == "p1" and 15 <= state["prompt"]["seconds"] <= 18
    assert state["next_check"] <= 15
    state = move(client, "prompt", state.get("claim") or Sitting.objects.get(pk=sitting.pk).client_token,
                 {"prompt": "p1"}).json()  # fmt: skip
    assert state["prompt"] is None


def test_no_sitting_in_this_browser(db):
    assert Client().get("/assessment/session/").status_code == 403
    response = Client().post("/assessment/session/state/", **JSON)
    assert response.status_code == 403 and "No assessment is open" in response.json()["error"]
