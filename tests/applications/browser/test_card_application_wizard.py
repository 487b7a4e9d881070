"""The employer's card application journey in the browser: three employees from the employees list through the
four steps (one with two certificates uploaded and read automatically) to Finalised Applications - Awaiting
Ordering."""

import io
import re
import shutil
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.applications.models import ApplicationDocument, CardApplication
from sandboxes.certificates import CERTIFICATES, as_bytes, render
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.documents.services.test_photo_and_uploads import passport_photo
from tests.factories import PortalUserFactory
from tests.factories_registry import EmploymentFactory, HseResultFactory


def jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def scan(number: str) -> bytes:
    record = next(c for c in CERTIFICATES if c["certificate_number"] == number)
    return as_bytes(render(record, dpi=200), kind="jpeg", quality=60, dpi=200)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")
def test_three_employees_through_the_four_steps_to_awaiting_ordering(page, settings, tmp_path, awarding_bodies):
    settings.MEDIA_ROOT = tmp_path
    settings.ECS_RUN_JOBS_INLINE = True  # the document is read when the upload commits, as the worker would
    primary = PortalUserFactory(all_flags=True)
    # Jeff Jones is the holder of the sandbox's certificates EAL700629 and CG700111.
    people = [
        ("Albert", "Fisher", date(1990, 3, 2)),
        ("Jeff", "Jones", date(1985, 6, 15)),
        ("Daniel", "Mac", date(1979, 11, 30)),
    ]
    employments = [
        EmploymentFactory(organisation=primary.organisation, office=primary.office, operative__first_name=first,
                          operative__last_name=last, operative__date_of_birth=born)
        for first, last, born in people
    ]  # fmt: skip
    for employment in employments:
        if employment.operative.last_name != "Jones":  # a valid HS&E result on the ECS record
            HseResultFactory(operative=employment.operative)
    labourer, craft = "Electrical Labourer - Initial", "Craft or Related Disciplines - Initial"
    card_types = {"Fisher": labourer, "Jones": craft, "Mac": labourer}
    browser_sign_in(page, primary.user)

    page.goto("/portal/employees/")
    axe_check(page)
    for first, last, _ in people:
        page.get_by_label(f"Select {last}, {first}").check()
    page.get_by_role("button", name="START APPLICATIONS FOR EMPLOYEES").click()

    expect(page.get_by_role("heading", name="Choose Application Types")).to_be_visible()
    axe_check(page)
    for first, last, _ in people:
        page.get_by_label(f"Card type for {last}, {first}").select_option(label=card_types[last])
    page.get_by_role("button", name="Start applications").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Step 1 - Applicant details")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 applications started")
    applications = list(CardApplication.objects.filter(employment__in=employments).order_by("pk"))
    assert len(applications) == 3

    for application in applications:
        jones = application.operative.last_name == "Jones"
        # Step 1
        page.goto(f"/portal/applications/{application.pk}/applicant/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(application.operative.full_name)
        axe_check(page)
        page.get_by_label("Business phone (direct dial)").fill("0161 496 0000")
        page.get_by_label("Business email (direct email)").fill("site.office@example.com")
        # A photo that is too small is refused with the reason beside the field.
        page.get_by_label("Photo").set_input_files(
            files=[{"name": "small.jpg", "mimeType": "image/jpeg", "buffer": jpeg(passport_photo(size=(350, 450)))}]
        )
        page.get_by_role("button", name="Next step >").click()
        expect(page.locator("#id_photo-error")).to_contain_text("The photo is too small")
        axe_check(page)
        page.get_by_label("Photo").set_input_files(
            files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg(passport_photo())}]
        )
        page.get_by_role("button", name="Next step >").click()

        # Step 2
        expect(page.get_by_role("heading", level=1)).to_have_text("Qualifications & documents")
        axe_check(page)
        if jones:
            for number in ("EAL700629", "CG700111"):
                page.get_by_label("Certificate or document").set_input_files(
                    {"name": f"{number}.jpg", "mimeType": "image/jpeg", "buffer": scan(number)}
                )
                page.get_by_role("button", name="Upload document").click()
                card = page.locator(".govuk-summary-card", has_text=number)
                expect(card.locator(".govuk-tag")).to_have_text("Automatically verified", timeout=20000)
                expect(card).to_contain_text("Name: Jeff Jones")
            axe_check(page)
            page.get_by_label("The applicant will sit the HS&E assessment").check()
            page.get_by_label("Online, by remote invigilation").check()
            page.get_by_role("button", name="Save HS&E choice").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text("The HS&E choice is saved")
        with page.expect_navigation():
            page.get_by_role("button", name="Next step").click()

        # Step 3
        expect(page.get_by_role("heading", level=1)).to_contain_text("Step 3 - Occupations & grading")
        axe_check(page)
        if jones:
            page.get_by_label("Maintenance Electrician", exact=True).check()
            page.get_by_label("Grade").select_option(label="Maintenance Electrician")
        else:
            page.get_by_label("Electrical Labourer (2018)").check()
        page.get_by_role("button", name="Finalise & review >").click()

        # Step 4
        expect(page.get_by_role("heading", level=1)).to_contain_text("Step 4 - Finalise & review")
        expect(page.get_by_text(f"RECHECK {application.operative.full_name.upper()}'S APPLICATION")).to_be_visible()
        axe_check(page)
        page.get_by_label(re.compile("I have read and agree with the terms and conditions")).check()
        page.get_by_role("button", name="Finalise now").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("is finalised")

    expect(page.get_by_role("heading", name="3 Finalised Applications - Awaiting Ordering")).to_be_visible()
    axe_check(page)
    section = page.locator("table[aria-labelledby=finalised]")
    for application in applications:
        expect(section).to_contain_text(application.reference)
    page.get_by_label(f"Select {applications[0].reference} {applications[0].operative.full_name}").check()
    expect(page.get_by_role("button", name="UNFINALISE 1 APPLICATIONS")).to_be_visible()
    assert set(CardApplication.objects.filter(employment__in=employments).values_list("status", flat=True)) == {
        CardApplication.Status.FINALISED
    }
    jones = CardApplication.objects.get(operative__last_name="Jones", employment__in=employments)
    assert set(jones.documents.values_list("status", flat=True)) == {ApplicationDocument.Status.VERIFIED}
    assert jones.main_occupation.name == "Maintenance Electrician"
