"""The prepared card's face to print, from the dispatch task: a PDF the card's size with the holder, the card and
its QR code (the card number and nothing else), for the JIB teams who work card applications only."""

import io

import pytest
from pypdf import PdfReader

from tests.applications.flows.test_card_application_processing import (
    Flow,
    Status,
    jib_client,
    pay,
    prepare_application,
    task_url,
    work,
)
from tests.conftest import sign_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ECS_RUN_JOBS_INLINE = True


def card_face_url(application):
    return f"/backoffice/workflow/flows/cardapplication/application/{application.pk}/card.pdf"


@pytest.mark.django_db
def test_the_dispatch_task_offers_the_card_to_print_for_the_card_teams_only(
    primary_user, client, django_capture_on_commit_callbacks
):
    application = pay(prepare_application(primary_user), primary_user, django_capture_on_commit_callbacks)
    processing = jib_client("processing")
    assert application.card_id is None and processing.get(card_face_url(application)).status_code == 404
    leader = jib_client("team_leader")
    _, response = work(leader, application, Flow.approve, {"decision": "approve"}, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and application.status == Status.PREPARED

    assert processing.post(task_url(application, Flow.dispatch, "assign/")).status_code == 302
    page = processing.get(task_url(application, Flow.dispatch, "execute/")).content.decode()
    assert "Print the card (PDF, with its QR code)" in page and card_face_url(application) in page
    response = processing.get(card_face_url(application))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pdf = PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (85.6, 54.0)
    text = pdf.pages[0].extract_text()
    card = application.card
    assert f"Card number {card.number}" in text and card.operative.full_name in text
    assert card.operative.ni_number not in text
    assert application.status == Status.PREPARED  # printing does not dispatch

    assert jib_client("verification").get(card_face_url(application)).status_code == 200
    assert jib_client("licensing").get(card_face_url(application)).status_code == 403
    assert jib_client("finance").get(card_face_url(application)).status_code == 403
    sign_in(client, primary_user.user)
    assert client.get(card_face_url(application)).status_code == 403
