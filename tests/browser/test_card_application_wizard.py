"""The employer's card application journey in the browser: three employees from the employees list to
Finalised Applications - Awaiting Ordering (step 2, the documents, is completed through the models here)."""

import io
import re

from playwright.sync_api import expect

from portal.applications.models import CardApplication
from tests.browser.conftest import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.factories_registry import EmploymentFactory
from tests.test_card_application_wizard import complete_step2
from tests.test_photo_and_uploads import passport_photo


def jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_three_employees_through_the_steps_to_awaiting_ordering(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    primary = PortalUserFactory(all_flags=True)
    people = [("Albert", "Fisher"), ("Jeff", "Jones"), ("Daniel", "Mac")]
    employments = [
        EmploymentFactory(organisation=primary.organisation, operative__first_name=first, operative__last_name=last)
        for first, last in people
    ]
    browser_sign_in(page, primary.user)

    page.goto("/portal/employees/")
    axe_check(page)
    for first, last in people:
        page.get_by_label(f"Select {last}, {first}").check()
    page.get_by_role("button", name="START APPLICATIONS FOR EMPLOYEES").click()

    expect(page.get_by_role("heading", name="Choose Application Types")).to_be_visible()
    axe_check(page)
    craft = "Craft or Related Disciplines - Initial"
    for first, last in people:
        page.get_by_label(f"Card type for {last}, {first}").select_option(label=craft)
    page.get_by_role("button", name="Start applications").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Step 1 - Applicant details")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 applications started")
    applications = list(CardApplication.objects.filter(employment__in=employments).order_by("pk"))
    assert len(applications) == 3

    for application in applications:
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
        page.wait_for_url(lambda url: "/applicant/" not in url)

        complete_step2(CardApplication.objects.get(pk=application.pk))

        page.goto(f"/portal/applications/{application.pk}/occupations/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Step 3 - Occupations & grading")
        axe_check(page)
        page.get_by_label("Installation Electrician").check()
        page.get_by_label("Grade").select_option(label="Electrician")
        page.get_by_role("button", name="Finalise & review >").click()

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
