"""Step 2 in the browser: upload a certificate, watch it being read, see it verified, fill in the HS&E part."""

import shutil
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services import documents as document_services
from portal.applications.services import reading
from sandboxes.certificates import CERTIFICATES, as_bytes, render
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import EmploymentFactory, OperativeFactory

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")


@pytest.fixture
def held_readings(monkeypatch, settings, tmp_path):
    """Documents handed over for reading are held here; the test then reads them as the task worker would.

    (The real Prefect path is tested in tests/documents/flows/test_application_documents.py; holding them
    makes the page's progress observable without a race.)"""
    settings.MEDIA_ROOT = tmp_path
    held: list[int] = []
    monkeypatch.setattr(
        document_services, "application_document_submit", lambda *, document_id: held.append(document_id)
    )
    return held


def test_upload_a_certificate_see_it_verified_and_move_on(page, awarding_bodies, held_readings):
    primary = PortalUserFactory(all_flags=True)
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", date_of_birth=date(1985, 6, 15))
    employment = EmploymentFactory(operative=operative, organisation=primary.organisation, office=primary.office)
    application = start_application(portal_user=primary, employment=employment)
    CardApplication.objects.filter(pk=application.pk).update(
        step=2, business_phone="0161 496 0000", business_email="jeff.jones@example.co.uk"
    )
    record = next(c for c in CERTIFICATES if c["certificate_number"] == "CG700037")
    scan = as_bytes(render(record, dpi=200), kind="jpeg", quality=60, dpi=200)

    browser_sign_in(page, primary.user)
    page.goto(f"/portal/applications/{application.pk}/documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Qualifications & documents")
    axe_check(page)

    # An upload that is not a document is refused beside the field.
    page.get_by_label("Certificate or document").set_input_files(
        {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"just some text"}
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.locator("#id_upload-file-error")).to_contain_text("must be a PDF, JPEG or PNG file")
    axe_check(page)

    page.get_by_label("Certificate or document").set_input_files(
        {"name": "certificate.jpg", "mimeType": "image/jpeg", "buffer": scan}
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.locator("#reading-status")).to_contain_text("Reading the document")
    expect(page.locator("[data-status=reading]")).to_have_text("Being read")
    axe_check(page)

    # The task worker reads it; the page, polling, shows the outcome without being reloaded by hand.
    assert len(held_readings) == 1
    reading.application_document_read(document_id=held_readings[0])
    card = page.locator(".govuk-summary-card").first
    expect(card.locator(".govuk-tag")).to_have_text("Automatically verified", timeout=20000)
    expect(card).to_contain_text("Name: Jeff Jones")
    expect(card).to_contain_text("Certificate number: CG700037")
    expect(card).to_contain_text("Date awarded: 10/01/2018")
    expect(card).to_contain_text("City & Guilds says")
    expect(card).to_contain_text("The name on the certificate matches the ECS record.")
    axe_check(page)

    # HS&E: no valid result on the record, so say how the applicant will sit it.
    page.get_by_label("The applicant will sit the HS&E assessment").check()
    page.get_by_role("button", name="Save HS&E choice").click()
    expect(page.locator("#id_hse-hse_sitting-error")).to_contain_text("Say how the applicant will sit")
    axe_check(page)
    page.get_by_label("The applicant will sit the HS&E assessment").check()
    page.get_by_label("Online, by remote invigilation").check()
    page.get_by_role("button", name="Save HS&E choice").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The HS&E choice is saved")
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Next step").click()
    application.refresh_from_db()
    assert application.step == 3
    assert application.hse_route == "will_sit" and application.hse_sitting == "remote"
    document = application.documents.get()
    assert document.status == ApplicationDocument.Status.VERIFIED
    axe_check(page)
