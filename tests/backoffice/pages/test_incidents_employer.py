"""What the employer reads while automated work is slow or has failed: words, not "a few seconds" for minutes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.applications.models import ApplicationDocument
from portal.applications.selectors import READING_SLOW, READING_USUAL
from tests.backoffice.incident_helpers import failed_pre_checks
from tests.conftest import sign_in
from tests.factories_applications import start_application
from workflows.incidents.services import incident_send_to_manual


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def reading_document(application, user, *, since):
    document = ApplicationDocument.objects.create(
        application=application,
        kind=ApplicationDocument.Kind.CERTIFICATE,
        entry=ApplicationDocument.Entry.AUTOMATIC,
        status=ApplicationDocument.Status.READING,
        uploaded_by=user,
        file=SimpleUploadedFile("c.png", b"\x89PNG...."),
        content_type="image/png",
    )
    ApplicationDocument.objects.filter(pk=document.pk).update(updated_at=since)
    return document


@pytest.mark.django_db
def test_a_slow_reading_says_what_is_happening(client, primary_user):
    application = start_application(portal_user=primary_user)
    document = reading_document(application, primary_user.user, since=timezone.now())
    sign_in(client, primary_user.user)
    url = f"/portal/applications/{application.pk}/documents/"
    page = client.get(url).text
    assert READING_USUAL in page and "carry on with the application" not in page
    assert client.get(url + "status/").json()["note"] == READING_USUAL
    # The awarding body is down: the reading is being retried for minutes.
    ApplicationDocument.objects.filter(pk=document.pk).update(updated_at=timezone.now() - timedelta(minutes=3))
    page = client.get(url).text
    assert "few seconds" not in page
    assert "the JIB checks the document by hand" in page and "carry on with the application" in page
    assert client.get(url + "status/").json()["note"] == READING_SLOW


@pytest.mark.django_db
def test_the_employer_reads_that_the_jib_checks_by_hand(
    client, primary_user, settings, awarding_bodies, django_capture_on_commit_callbacks
):
    settings.ECS_RUN_JOBS_INLINE = True
    application, incident, _ = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    sign_in(client, primary_user.user)
    url = f"/portal/applications/{application.pk}/"
    page = client.get(url).text
    assert "Our automatic checks could not finish" in page and "You do not need to do anything" in page
    incident_send_to_manual(incident=incident, actor=None)
    page = client.get(url).text
    assert "We are checking this by hand" in page
    assert "usually takes a few seconds" not in page
