"""In the browser: the JIB invigilator takes a sitting from the back-office queue, compares the webcam, ID and
record photographs and reads the event log, and confirms the outcome; the result reaches the ECS record."""

import re

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.applications.models import CardApplication
from portal.assessments import sitting_services as services
from portal.assessments.models import AssessmentResult, Booking
from tests.applications.flows.test_card_application_processing import png_bytes
from tests.assessments.session.support import face_png, link_token, make_booking
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from workflows.assessment_booking.flows import AssessmentBookingFlow as Flow
from workflows.assessment_booking.selectors import open_task


def test_the_invigilator_confirms_a_sitting(camera_page):
    page = camera_page
    primary = PortalUserFactory(all_flags=True)
    booking = make_booking(primary, prompt_count=0)
    # The delegate's ECS record has a photograph from an earlier card application.
    application = start_application(portal_user=primary, employment=booking.employment)
    application.photo.save("photo", ContentFile(png_bytes()), save=False)
    application.status, application.paid_at = CardApplication.Status.DISPATCHED, timezone.now()
    application.save()
    sitting = services.sitting_open(token=link_token(booking))
    services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
    services.sitting_photo_save(sitting=sitting, kind="id", data=face_png(2), id_document="passport")
    services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=True)
    sitting, claim = services.sitting_claim(sitting=sitting)
    for position in range(1, 7):
        sitting = services.sitting_answer(sitting=sitting, claim=claim, position=position, choice="a")
    services.sitting_submit(sitting=sitting, claim=claim)
    task = open_task(booking=booking, node=Flow.review)
    assert task is not None

    invigilator = account_services.jib_staff_create(
        email="ivy@jib.example", first_name="Ivy", last_name="Irons", mobile="+447700123457",
        teams=["invigilation"], password="correct horse battery",
    )  # fmt: skip
    browser_sign_in(page, invigilator)
    page.goto("/backoffice/workflow/queue/")
    page.get_by_role("link", name=f"#{task.process_id}/{task.pk}").click()
    page.get_by_role("button", name="Take and start", exact=True).click()
    page.wait_for_url(re.compile(rf"/assessmentbooking/{task.process_id}/review/{task.pk}/execute/"))
    expect(page.get_by_role("heading", level=1, name=re.compile(booking.reference))).to_be_visible()
    for label in ("Webcam photograph", "Photo ID (Passport)", "Photograph on the ECS record"):
        image = page.get_by_role("img", name=re.compile(re.escape(label)))
        expect(image).to_be_visible()
        assert image.evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_text("Face check: One face is visible.", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("Face check: 2 faces could be seen"))).to_be_visible()
    expect(page.locator("[data-sitting-log]")).to_contain_text("Submitted with 6 of 6 questions answered")
    expect(page.locator("[data-sitting-log]")).to_contain_text("Photo ID taken (face check: 2 faces could be seen")
    expect(page.get_by_text("6 of 6 correct (100%): pass")).to_be_visible()
    axe_check(page)
    page.get_by_label("Confirm: the delegate is the person on the ID and the record; the outcome stands").check()
    page.get_by_role("button", name="Complete the review").click()
    page.wait_for_url(lambda url: "/execute/" not in url)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PASSED
    assert AssessmentResult.objects.get(booking=booking).passed
