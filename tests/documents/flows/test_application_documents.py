"""Step 2 of a card application: certificates read by OCR (real tesseract) and checked with the awarding-body
sandbox, details entered by hand, the HS&E choice, the page, its permissions and its queries."""

import shutil
import socket
import time
from datetime import date, timedelta
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from portal.applications import services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services import ApplicationError
from portal.organisations.permissions import Flag
from portal.registry.models import AwardingBody, HseExemption, QualificationType, ReferenceType
from sandboxes.certificates import CERTIFICATES, as_bytes, render
from tests.conftest import sign_in
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import EmploymentFactory, HseResultFactory, OperativeFactory

Doc = ApplicationDocument
Status = ApplicationDocument.Status
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")


def certificate(number: str) -> dict:
    return next(c for c in CERTIFICATES if c["certificate_number"] == number)


@cache
def certificate_jpeg(number: str) -> bytes:
    """A scanned-looking certificate of the sandbox's record `number` (200 dpi, JPEG quality 60)."""
    return as_bytes(render(certificate(number), dpi=200), kind="jpeg", quality=60, dpi=200)


def upload_of(data: bytes, name: str = "certificate.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def inline(settings, media):
    settings.ECS_RUN_JOBS_INLINE = True


@pytest.fixture
def body_down(settings):
    """The awarding bodies refuse connections: a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.AWARDING_BODIES_URL = f"http://127.0.0.1:{port}"
    settings.EXTERNAL_TIMEOUT_SECONDS = 1


def jeff(primary_user, **kwargs):
    """Jeff Jones, born 15 June 1985: the sandbox's awarding bodies hold his certificates."""
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", date_of_birth=date(1985, 6, 15), **kwargs)
    return EmploymentFactory(operative=operative, organisation=primary_user.organisation, office=primary_user.office)


@pytest.fixture
def application(primary_user):
    application = start_application(portal_user=primary_user, employment=jeff(primary_user))
    CardApplication.objects.filter(pk=application.pk).update(step=2, business_phone="0161 496 0000")
    application.refresh_from_db()
    return application


def upload(application, primary_user, data: bytes, capture, *, name="certificate.jpg", content_type="image/jpeg"):
    with capture(execute=True):
        return services.application_document_upload(
            application=application, actor=primary_user.user, file=upload_of(data, name), content_type=content_type
        )


def enter(application, primary_user, capture, number: str, *, qualification_code=None, awarded_on=None, **kwargs):
    record = certificate(number)
    body = AwardingBody.objects.get(code=record["awarding_body"])
    qualification = QualificationType.objects.get(
        awarding_body=body, code=qualification_code or record["qualification_code"]
    )
    with capture(execute=True):
        return services.application_document_enter_certificate(
            application=application,
            actor=primary_user.user,
            awarding_body=body,
            certificate_number=number,
            qualification_type=qualification,
            awarded_on=awarded_on or date.fromisoformat(record["date_awarded"]),
            **kwargs,
        )


# --- reading uploads (real tesseract, the awarding-body sandbox) ---------------------------------------------------


@needs_tesseract
@pytest.mark.django_db
def test_an_uploaded_certificate_is_read_matched_and_verified_once(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    document = upload(application, primary_user, certificate_jpeg("CG700037"), django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.status == Status.VERIFIED, document.problems
    assert document.entry == Doc.Entry.AUTOMATIC and document.content_type == "image/jpeg"
    assert document.reading["candidate_name"] == "Jeff Jones"
    assert document.reading["certificate_number"] == "CG700037"
    assert document.reading["date_awarded"] == "2018-01-10"
    assert document.awarding_body.code == "city-and-guilds"
    assert document.qualification_type.code == "2357-13"
    assert document.certificate_number == "CG700037" and document.awarded_on == date(2018, 1, 10)
    assert document.body_check["found"] and document.body_check["valid"]
    assert document.problems == {}
    assert application.events.filter(what__contains="verified with the awarding body").count() == 1

    # A repeated or late delivery of the task, or a late failure report, changes nothing.
    before = (document.status, document.reading, document.body_check, document.updated_at)
    assert services.application_document_read(document_id=document.pk) is False
    assert services.application_document_read_failed(document_id=document.pk, reason="late") is False
    document.refresh_from_db()
    assert (document.status, document.reading, document.body_check, document.updated_at) == before
    assert application.events.filter(what__contains="verified with the awarding body").count() == 1


@needs_tesseract
@pytest.mark.django_db
def test_another_persons_certificate_does_not_match_and_can_go_for_manual_checking(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    document = upload(application, primary_user, certificate_jpeg("CG700074"), django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.status == Status.NOT_MATCHED
    assert document.reading["candidate_name"] == "Dylan Davies"
    assert document.problems["name"] == "The certificate is in the name of Dylan Davies."
    # The body has no such certificate for Jeff Jones with his date of birth.
    assert "has no certificate CG700074 for a candidate named Jones" in document.problems["certificate_number"]
    assert document.body_check["found"] is False

    services.application_document_for_manual_check(document=document, actor=primary_user.user)
    document.refresh_from_db()
    assert document.status == Status.MANUAL_CHECK
    with pytest.raises(ApplicationError):  # only once
        services.application_document_for_manual_check(document=document, actor=primary_user.user)


@needs_tesseract
@pytest.mark.django_db
def test_an_unreadable_upload_is_said_so(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    blank = as_bytes(Image.new("RGB", (1240, 1754), "white"), kind="png")
    document = upload(
        application, primary_user, blank, django_capture_on_commit_callbacks, name="scan.png", content_type="image/png"
    )
    document.refresh_from_db()
    assert document.status == Status.UNREADABLE
    assert "could be read" in document.problems["reading"]
    assert document.body_check == {}
    services.application_document_remove(document=document, actor=primary_user.user)
    assert not application.documents.exists()


@pytest.mark.django_db
def test_a_retry_reuses_the_reading_and_the_body_settles_a_qualification_ocr_missed(
    application, primary_user, awarding_bodies
):
    # As left by a first try that read the file and then found the awarding body down: no file is read again.
    document = Doc.objects.create(
        application=application, entry=Doc.Entry.AUTOMATIC, status=Status.READING, uploaded_by=primary_user.user,
        content_type="image/jpeg",
        reading={"readable": True, "awarding_body": "eal", "candidate_name": "Jeff Jones", "qualification_code": "",
                 "qualification_title": "", "certificate_number": "EAL700555", "date_awarded": "2020-03-12"},
    )  # fmt: skip
    assert services.application_document_read(document_id=document.pk) is True
    document.refresh_from_db()
    assert document.status == Status.VERIFIED, document.problems
    assert document.qualification_type.code == "603/3417/5" and document.awarding_body.code == "eal"


def stored_nocn_reading(application, primary_user, **reading) -> ApplicationDocument:
    """A NOCN certificate (NOC701369, Jeff Jones's) read and not yet checked with the body."""
    return Doc.objects.create(
        application=application, entry=Doc.Entry.AUTOMATIC, status=Status.READING, uploaded_by=primary_user.user,
        content_type="image/jpeg",
        reading={"readable": True, "awarding_body": "nocn", "candidate_name": "Jeff Jones",
                 "qualification_code": "603/0765/2",
                 "qualification_title": "Level 2 Diploma in Electrical Installation",
                 "certificate_number": "NOC701369", "date_awarded": "2018-01-10", **reading},
    )  # fmt: skip


@pytest.mark.django_db
def test_the_uln_read_from_the_certificate_is_given_to_a_body_that_checks_by_it(
    application, primary_user, awarding_bodies
):
    document = stored_nocn_reading(application, primary_user, learner_reference="ULN4000000037")
    assert services.application_document_read(document_id=document.pk) is True
    document.refresh_from_db()
    assert document.status == Status.VERIFIED, document.problems
    assert document.learner_reference == "ULN4000000037"  # kept, for the JIB's pre-checks to ask again
    assert document.body_check["found"] and document.body_check["certificate_number"] == "NOC701369"


@pytest.mark.django_db
def test_without_a_uln_read_the_employer_is_told_to_enter_the_details_with_it(
    application, primary_user, awarding_bodies, portal_client
):
    # No ULN read (and a reading stored before ULNs were read has no such field at all).
    for extra in ({"learner_reference": ""}, {}):
        document = stored_nocn_reading(application, primary_user, **extra)
        assert services.application_document_read(document_id=document.pk) is True
        document.refresh_from_db()
        assert document.status == Status.NOT_MATCHED
        problem = document.problems["learner_reference"]
        assert "NOCN checks a certificate by the learner's unique learner number (ULN)" in problem
        assert "enter the certificate's details by hand with the ULN" in problem
        assert "awarding_body" not in document.problems  # not the body's bare refusal
        assert document.awarding_body.code == "nocn" and document.certificate_number == "NOC701369"
    text = portal_client.get(f"/portal/applications/{application.pk}/documents/").content.decode()
    assert "ULN:</span> NOCN checks a certificate by" in text
    assert "Unique learner number (ULN): not found" in text


@needs_tesseract
@pytest.mark.django_db
def test_an_uploaded_nocn_certificate_is_verified_by_the_uln_printed_on_it(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    document = upload(application, primary_user, certificate_jpeg("NOC701369"), django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.reading["learner_reference"] == "ULN4000000037"
    assert document.status == Status.VERIFIED, document.problems
    assert document.learner_reference == "ULN4000000037"


@pytest.mark.django_db
def test_a_removed_or_unknown_document_is_ignored_by_the_task(application, primary_user):
    assert services.application_document_read(document_id=987654) is False
    assert services.application_document_read_failed(document_id=987654, reason="x") is False


# --- details entered by hand, checked with the awarding body -----------------------------------------------------


@pytest.mark.django_db
def test_manual_details_are_checked_with_the_awarding_body(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    ok = enter(application, primary_user, django_capture_on_commit_callbacks, "EAL700555")
    ok.refresh_from_db()
    assert ok.status == Status.VERIFIED, ok.problems
    assert ok.entry == Doc.Entry.MANUAL and ok.reading == {}
    assert ok.body_check["qualification_code"] == "603/3417/5"

    wrong = enter(
        application, primary_user, django_capture_on_commit_callbacks, "CG700111", qualification_code="2357-13",
        awarded_on=date(2021, 1, 1),
    )  # fmt: skip
    wrong.refresh_from_db()
    assert wrong.status == Status.NOT_MATCHED
    assert "records the qualification as 18th Edition" in wrong.problems["qualification"]
    assert "12 March 2020, not 01 January 2021" in wrong.problems["date_awarded"]

    # NOCN identifies learners by their ULN.
    nocn = AwardingBody.objects.get(code="nocn")
    with pytest.raises(ApplicationError, match="learner reference"):
        services.application_document_enter_certificate(
            application=application, actor=primary_user.user, awarding_body=nocn, certificate_number="NOC701369",
            qualification_type=None, awarded_on=None,
        )  # fmt: skip
    uln = enter(application, primary_user, django_capture_on_commit_callbacks, "NOC701369",
                learner_reference="uln4000000037")  # fmt: skip
    uln.refresh_from_db()
    assert uln.status == Status.VERIFIED and uln.learner_reference == "ULN4000000037"


@pytest.mark.django_db
def test_a_body_with_no_checking_service_leaves_it_for_the_user_to_send_for_manual_checking(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    other = AwardingBody.objects.create(code="other-body", name="Other body")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.application_document_enter_certificate(
            application=application, actor=primary_user.user, awarding_body=other, certificate_number="AM2-1234",
            qualification_type=None, awarded_on=date(2019, 5, 1),
        )  # fmt: skip
    document.refresh_from_db()
    assert document.status == Status.NOT_MATCHED
    assert "could not check the certificate" in document.problems["awarding_body"]
    services.application_document_for_manual_check(document=document, actor=primary_user.user)
    document.refresh_from_db()
    assert document.status == Status.MANUAL_CHECK


@pytest.mark.django_db
def test_the_awarding_body_down_inline_goes_to_manual_checking_with_the_reason(
    application, primary_user, inline, body_down, django_capture_on_commit_callbacks
):
    document = enter(application, primary_user, django_capture_on_commit_callbacks, "CG700111")
    document.refresh_from_db()
    assert document.status == Status.MANUAL_CHECK
    assert "The awarding body could not be reached (City & Guilds" in document.problems["check"]
    assert document.certificate_number == "CG700111"  # nothing entered is lost


@pytest.mark.django_db
def test_a_reference_is_kept_for_the_jib(application, primary_user, media):
    reference_type = ReferenceType.objects.get(name="JIB grading record")
    document = services.application_document_enter_reference(
        application=application, actor=primary_user.user, reference_type=reference_type, details="Grading 123456"
    )
    assert document.status == Status.MANUAL_CHECK and document.kind == Doc.Kind.REFERENCE
    with pytest.raises(ApplicationError):
        services.application_document_enter_reference(
            application=application, actor=primary_user.user, reference_type=reference_type, details="  "
        )


@pytest.mark.django_db
def test_stalled_readings_are_handed_over_again(
    application, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    body = AwardingBody.objects.get(code="city-and-guilds")
    stalled = Doc.objects.create(
        application=application, entry=Doc.Entry.MANUAL, awarding_body=body, certificate_number="CG700111",
        uploaded_by=primary_user.user,
    )  # fmt: skip
    fresh = Doc.objects.create(
        application=application, entry=Doc.Entry.MANUAL, awarding_body=body, certificate_number="CG700037",
        uploaded_by=primary_user.user,
    )  # fmt: skip
    Doc.objects.filter(pk=stalled.pk).update(updated_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.application_documents_resubmit_stalled(older_than=timedelta(minutes=10)) == 1
    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert stalled.status == Status.VERIFIED and fresh.status == Status.READING


@pytest.mark.django_db
def test_a_finalised_application_takes_no_more_documents(application, primary_user, media):
    CardApplication.objects.filter(pk=application.pk).update(status=CardApplication.Status.FINALISED)
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        services.application_document_upload(
            application=application, actor=primary_user.user, file=upload_of(b"x"), content_type="image/jpeg"
        )
    assert not application.documents.exists()


# --- HS&E and moving on --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_hse_result_on_the_record_is_shown_and_used(application, primary_user, portal_client):
    result = HseResultFactory(operative=application.operative, number="HSE7654321")
    page = portal_client.get(f"/portal/applications/{application.pk}/documents/")
    assert "HSE7654321" in page.text and "this application uses it" in page.text
    response = portal_client.post(f"/portal/applications/{application.pk}/documents/next/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.step == 3
    assert application.hse_route == CardApplication.HseRoute.VALID_RESULT and application.hse_result == result


@pytest.mark.django_db
def test_hse_choices_without_a_valid_result(application, primary_user, portal_client, media):
    HseResultFactory(operative=application.operative, passed=False, expires_on=None)  # a fail is not valid
    url = f"/portal/applications/{application.pk}/documents/hse/"
    exemption = HseExemption.objects.get(name="Degree in electrical engineering")

    page = portal_client.post(url, {"hse-route": "exemption", "hse-hse_exemption": exemption.pk})
    assert page.status_code == 200
    assert "Upload the evidence of the HS&amp;E exemption." in page.text
    page = portal_client.post(url, {"hse-route": "will_sit"})
    assert "Say how the applicant will sit the HS&amp;E assessment." in page.text
    page = portal_client.post(url, {"hse-route": "valid_result"})  # not offered: no valid result
    assert "from the options given" in page.text
    application.refresh_from_db()
    assert application.hse_route == ""

    evidence = upload_of(as_bytes(Image.new("RGB", (800, 600), "white"), kind="png"), "degree.png")
    response = portal_client.post(
        url, {"hse-route": "exemption", "hse-hse_exemption": exemption.pk, "hse-evidence": evidence}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.hse_route == "exemption" and application.hse_exemption == exemption
    proof = application.documents.get(kind=Doc.Kind.HSE_EXEMPTION)
    assert proof.status == Status.MANUAL_CHECK and proof.content_type == "image/png"

    response = portal_client.post(url, {"hse-route": "will_sit", "hse-hse_sitting": "remote"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.hse_route == "will_sit" and application.hse_sitting == "remote"
    assert application.hse_exemption is None
    assert not application.documents.filter(kind=Doc.Kind.HSE_EXEMPTION).exists()


@pytest.mark.django_db
def test_next_step_waits_for_readings_and_hse(application, primary_user, portal_client):
    body = AwardingBody.objects.get(code="city-and-guilds")
    reading = Doc.objects.create(
        application=application, entry=Doc.Entry.MANUAL, awarding_body=body, certificate_number="CG700111",
        uploaded_by=primary_user.user,
    )  # fmt: skip
    url = f"/portal/applications/{application.pk}/documents/next/"
    page = portal_client.post(url, follow=True)
    assert "Wait until every document has been read" in page.text
    assert "Say how the applicant meets the HS&amp;E requirement." in page.text
    Doc.objects.filter(pk=reading.pk).update(status=Status.VERIFIED)
    services.card_application_choose_hse(application=application, actor=primary_user.user, route="will_sit",
                                    hse_sitting="test_centre")  # fmt: skip
    assert portal_client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.step == 3
    assert application.events.filter(what__contains="step 2").exists()


# --- the page --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_refusals_are_shown_beside_the_field_and_nothing_is_saved(application, portal_client, media):
    url = f"/portal/applications/{application.pk}/documents/upload/"

    cases = [
        (upload_of(b""), "The chosen file is empty."),
        (upload_of(b"%PDF-1.4\n this is not really a PDF", "scan.pdf"), "could not be read as a PDF"),
        (upload_of(b"hello, I am text", "notes.jpg"), "must be a PDF, JPEG or PNG file"),
        (upload_of(b"\xff\xd8\xff" + b"0" * (40 * 1024 * 1024)), "must be 10.0"),
    ]
    for file, message in cases:
        page = portal_client.post(url, {"upload-file": file})
        assert page.status_code == 200
        assert 'class="govuk-error-message" id="id_upload-file-error"' in page.text
        assert message in page.text.split('id="id_upload-file-error"')[1].split("</p>")[0]
        assert 'href="#id_upload-file"' in page.text  # the error summary links to the field
    assert not application.documents.exists()


@pytest.mark.django_db
def test_a_pdf_named_jpg_is_taken_as_the_pdf_it_is(
    application, portal_client, media, django_capture_on_commit_callbacks
):
    pdf = as_bytes(Image.new("RGB", (620, 877), "white"), kind="pdf", dpi=75)
    with django_capture_on_commit_callbacks(execute=False):  # not handed to Prefect here
        response = portal_client.post(
            f"/portal/applications/{application.pk}/documents/upload/", {"upload-file": upload_of(pdf, "scan.jpg")}
        )
    assert response.status_code == 302
    document = application.documents.get()
    assert document.content_type == "application/pdf" and document.status == Status.READING
    status = portal_client.get(f"/portal/applications/{application.pk}/documents/status/").json()
    assert status.pop("note").startswith("This usually takes a few seconds")
    assert status == {"reading": 1, "documents": [{"id": document.pk, "status": "reading", "label": "Being read"}]}
    page = portal_client.get(f"/portal/applications/{application.pk}/documents/")
    assert '<noscript><meta http-equiv="refresh"' in page.text and "Check again" in page.text
    served = portal_client.get(f"/portal/applications/{application.pk}/documents/{document.pk}/file/")
    assert served["Content-Type"] == "application/pdf" and b"".join(served.streaming_content) == pdf


@pytest.mark.django_db
def test_the_page_shows_what_was_read_and_what_did_not_match(application, primary_user, portal_client):
    body = AwardingBody.objects.get(code="city-and-guilds")
    Doc.objects.create(
        application=application, entry=Doc.Entry.AUTOMATIC, status=Status.NOT_MATCHED, awarding_body=body,
        certificate_number="CG700074", uploaded_by=primary_user.user,
        reading={"readable": True, "awarding_body": "city-and-guilds", "candidate_name": "Dylan Davies",
                 "qualification_code": "5357", "qualification_title": "Level 3 Electrotechnical Qualification",
                 "certificate_number": "CG700074", "date_awarded": "2019-02-11"},
        problems={"name": "The certificate is in the name of Dylan Davies."},
        body_check={"awarding_body": "City & Guilds", "found": False, "reason": "No matching certificate."},
    )  # fmt: skip
    page = portal_client.get(f"/portal/applications/{application.pk}/documents/").text
    assert "Name: Dylan Davies" in page and "Date awarded: 11/02/2019" in page
    assert "The certificate is in the name of Dylan Davies." in page
    assert "City &amp; Guilds says" in page and "Upload for manual checking" in page
    assert "<noscript>" not in page  # nothing is being read
    assert "What matched" not in page


@pytest.mark.django_db
def test_manual_entry_through_the_page(
    application, portal_client, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    body = AwardingBody.objects.get(code="nocn")
    base = f"/portal/applications/{application.pk}/documents/"
    page = portal_client.get(base, {"source": f"body-{body.pk}"})
    assert "Unique learner number (ULN)" in page.text and "Check details" in page.text
    response = portal_client.post(
        base + "enter/",
        {"manual-source": f"body-{body.pk}", "manual-certificate_number": "NOC701369", "manual-awarded_on": ""},
    )
    assert response.status_code == 200
    for field, message in (
        ("learner_reference", "Enter the learner&#x27;s ULN: NOCN needs it."),
        ("qualification_type", "Choose the qualification."),
        ("awarded_on", "Enter the date awarded."),
    ):
        assert message in response.text.split(f'id="id_manual-{field}-error"')[1].split("</p>")[0]
    assert 'value="NOC701369"' in response.text  # what was entered is kept
    assert f'<option value="body-{body.pk}" selected>' in response.text
    assert not application.documents.exists()
    qualification = QualificationType.objects.get(code="603/0765/2")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            base + "enter/",
            {"manual-source": f"body-{body.pk}", "manual-certificate_number": "NOC701369",
             "manual-learner_reference": "ULN4000000037", "manual-qualification_type": qualification.pk,
             "manual-awarded_on": "10/01/2018"},
        )  # fmt: skip
    assert response.status_code == 302
    page = portal_client.get(base)
    assert "Automatically verified" in page.text


@pytest.mark.django_db
def test_a_reference_through_the_page(application, portal_client, media):
    reference_type = ReferenceType.objects.get(name="Letter from the employer")
    base = f"/portal/applications/{application.pk}/documents/"
    page = portal_client.get(base, {"source": f"ref-{reference_type.pk}"})
    assert reference_type.instructions in page.text and "Add for the JIB to check" in page.text
    source = f"ref-{reference_type.pk}"
    page = portal_client.post(base + "enter/", {"manual-source": source, "manual-details": ""})
    assert 'id="id_manual-details-error"' in page.text and "Enter the details the reference type asks for." in page.text
    letter = upload_of(as_bytes(Image.new("RGB", (800, 600), "white"), kind="pdf"), "letter.pdf")
    response = portal_client.post(
        base + "enter/", {"manual-source": source, "manual-details": "Ten years as an installer", "manual-file": letter}
    )
    assert response.status_code == 302
    document = application.documents.get()
    assert document.kind == Doc.Kind.REFERENCE and document.status == Status.MANUAL_CHECK
    assert document.content_type == "application/pdf" and document.details == "Ten years as an installer"
    page = portal_client.get(base).text
    assert "Letter from the employer" in page and "The JIB checks this document by hand" in page
    assert portal_client.post(f"{base}{document.pk}/remove/").status_code == 302
    assert not application.documents.exists()


@pytest.mark.django_db
def test_permissions(application, primary_user, client, signed_in, media):
    base = f"/portal/applications/{application.pk}/documents/"
    document = Doc.objects.create(
        application=application, entry=Doc.Entry.AUTOMATIC, status=Status.UNREADABLE, uploaded_by=primary_user.user,
        file=upload_of(b"secret", "x.png"), content_type="image/png",
    )  # fmt: skip
    stranger = PortalUserFactory(all_flags=True)  # another organisation
    signed_in(stranger)
    for url in (base, base + "status/", f"{base}{document.pk}/file/"):
        assert client.get(url).status_code == 404
    for url in (base + "upload/", base + "next/", f"{base}{document.pk}/remove/"):
        assert client.post(url).status_code == 404
    client.logout()

    viewer = PortalUserFactory(organisation=primary_user.organisation, flags=[Flag.VIEW_APPLICATIONS])
    signed_in(viewer)
    page = client.get(base)
    assert page.status_code == 200 and "Upload document" not in page.text and "Remove" not in page.text
    assert client.post(f"{base}{document.pk}/remove/").status_code == 403
    assert client.post(base + "hse/", {"hse-route": "will_sit"}).status_code == 403
    client.logout()

    nobody = PortalUserFactory(organisation=primary_user.organisation, flags=[Flag.VIEW_EMPLOYEES])
    signed_in(nobody)
    assert client.get(base).status_code == 403
    assert client.get(base + "status/").status_code == 403
    assert application.documents.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_the_page_keeps_a_constant_number_of_queries(
    application, primary_user, portal_client, django_assert_max_num_queries
):
    body = AwardingBody.objects.get(code="city-and-guilds")
    qualification = QualificationType.objects.filter(awarding_body=body).first()
    url = f"/portal/applications/{application.pk}/documents/?source=body-{body.pk}"

    def add(n):
        for i in range(n):
            Doc.objects.create(
                application=application, entry=Doc.Entry.MANUAL, status=Status.VERIFIED, awarding_body=body,
                qualification_type=qualification, certificate_number=f"CG{i}", uploaded_by=primary_user.user,
                body_check={"awarding_body": "City & Guilds", "found": True, "valid": True},
            )  # fmt: skip

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert portal_client.get(url).status_code == 200
    add(15)
    print("queries on the step 2 page:", len(one.captured_queries))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = portal_client.get(url)
    assert page.text.count('class="govuk-summary-card"') == 16


# --- the real Prefect path ------------------------------------------------------------------------------------------


@pytest.fixture
def documents_worker(prefect_worker, media):
    """The task worker (every background task, in a thread) with uploads stored under a temporary folder."""


def wait_until_read(document_id: int, seconds: int = 60) -> ApplicationDocument:
    deadline = time.monotonic() + seconds
    while True:
        document = Doc.objects.get(pk=document_id)
        if document.status != Status.READING:
            return document
        assert time.monotonic() < deadline, "the document was not read on Prefect"
        time.sleep(0.25)


@needs_tesseract
@pytest.mark.prefect
def test_an_upload_is_read_on_prefect_and_the_page_follows_it(documents_worker, awarding_bodies, client):
    primary = PortalUserFactory(all_flags=True)
    application = start_application(portal_user=primary, employment=jeff(primary))
    sign_in(client, primary.user)
    base = f"/portal/applications/{application.pk}/documents/"
    response = client.post(base + "upload/", {"upload-file": upload_of(certificate_jpeg("CG700111"))})
    assert response.status_code == 302
    document = application.documents.get()
    document = wait_until_read(document.pk)
    assert document.status == Status.VERIFIED, document.problems
    assert document.qualification_type.code == "2382-22"
    assert client.get(base + "status/").json()["reading"] == 0
    page = client.get(base).text
    assert "Automatically verified" in page and "Certificate number: CG700111" in page
    assert "City &amp; Guilds holds certificate CG700111 for the applicant." in page


@pytest.mark.prefect
def test_an_awarding_body_that_stays_down_is_retried_then_left_for_manual_checking(documents_worker, body_down):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName
    from prefect.client.schemas.sorting import TaskRunSort

    primary = PortalUserFactory(all_flags=True)
    application = start_application(portal_user=primary, employment=jeff(primary))
    body = AwardingBody.objects.get(code="lcl-awards")
    document = services.application_document_enter_certificate(
        application=application, actor=primary.user, awarding_body=body, certificate_number="LCL700925",
        qualification_type=QualificationType.objects.get(code="603/2426/1"), awarded_on=date(2018, 1, 10),
    )  # fmt: skip
    document = wait_until_read(document.pk)
    assert document.status == Status.MANUAL_CHECK
    assert document.problems["check"].startswith("The awarding body could not be reached (LCL Awards")
    assert document.certificate_number == "LCL700925"  # nothing lost
    # The failure hook ran on the worker before Prefect's server recorded the final state: wait for it.
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as prefect:
        while True:
            runs = prefect.read_task_runs(
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=[f"read-document-{document.pk}"])),
                sort=TaskRunSort.EXPECTED_START_TIME_DESC,
                limit=5,
            )
            failed = [r for r in runs if r.state and r.state.is_failed()]
            if failed or time.monotonic() > deadline:
                break
            time.sleep(0.25)
    assert failed, f"Prefect recorded no failed run: {[r.state_name for r in runs]}"
    assert failed[0].run_count == 3  # the first try and two retries (ECS_JOB_RETRY_DELAYS=0,1 in tests)
