"""From credits to a released hold, in a real browser with a fake camera and axe-core on every page: the employer
buys HS&E credits paid from funds on account and books an employee whose card application is on conditional hold
waiting for an HS&E pass; the delegate opens the link from the email, is photographed with the ID and answers the
paper correctly; the marking runs; the JIB invigilator confirms in the back office; the pass is on the ECS record,
the card application's hold is released, and the employer sees the result on the booking's page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.accounts import services as account_services
from portal.applications.models import CardApplication
from portal.assessments.models import AssessmentResult, AssessmentType, Booking, Question, Sitting
from portal.orders.models import FundsLedgerEntry, Order
from portal.orders.services import funds_credit
from portal.registry.models import HseResult
from tests.applications.flows.test_card_application_processing import pay, prepare_application
from tests.assessments.session.support import LINK
from tests.browser_fixtures import axe_check, browser_sign_in
from tests.factories import PortalUserFactory
from workflows.assessment_booking.flows import AssessmentBookingFlow as Flow
from workflows.assessment_booking.selectors import open_task

QUESTIONS = 5


@pytest.fixture
def open_page(camera_browser, django_db_serialized_rollback, live_server, transactional_db, settings, tmp_path):
    """Opens a page in a browser context of its own (one per person: employer, delegate, invigilator); the test
    fails if the Content-Security-Policy blocked anything on any of them."""
    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    contexts, blocked = [], []

    def opener():
        context = camera_browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                blocked.append(f"{page.url}: {m.text}")
                if m.type == "error" and "Content Security Policy" in m.text
                else None
            ),
        )
        return page

    yield opener
    for context in contexts:
        context.close()
    if blocked:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(blocked))


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


def emailed_link(address: str) -> str:
    """The path of the newest single-use link emailed to `address`."""
    for message in reversed(mail.outbox):
        if address in message.to:
            return f"/assessment/{LINK.search(message.body).group(1)}/"
    raise AssertionError(f"No link was emailed to {address}")


def test_credits_bought_delegate_passes_and_the_conditional_hold_is_released(
    open_page, django_capture_on_commit_callbacks
):
    # The HS&E paper is kept short (the seeded bank, answers spread over A to D) and without attention prompts.
    AssessmentType.objects.filter(code="hse").update(question_count=QUESTIONS, prompt_count=0)
    primary = PortalUserFactory(all_flags=True)
    organisation = primary.organisation
    funds_credit(organisation=organisation, amount_pence=25_000, kind=FundsLedgerEntry.Kind.ADVANCE_PAYMENT,
                 reference="ADV-1")  # fmt: skip
    # The employee's card application, paid, waits on conditional hold for an HS&E pass (sitting it remotely).
    application = prepare_application(primary, hse="will_sit")
    application = pay(application, primary, django_capture_on_commit_callbacks)
    assert application.status == CardApplication.Status.CONDITIONAL_HOLD and application.hse_result_id is None
    operative = application.operative
    name = operative.full_name

    # The employer buys two HS&E credits and pays from funds held on account.
    employer = open_page()
    browser_sign_in(employer, primary.user)
    employer.goto("/portal/")
    employer.get_by_role("navigation", name="Portal sections").get_by_role("link", name="ECS Assessments").click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("ECS Assessments")
    axe_check(employer)
    employer.get_by_role("link", name="Buy credits", exact=True).click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Buy Assessment Credits")
    axe_check(employer)
    employer.get_by_label("HS&E Assessment – £42.00 a credit").check()
    employer.get_by_label("Quantity of credits").fill("2")
    employer.get_by_label("Your reference / P.O. number").fill("HSE-HOLD")
    employer.get_by_label("Accounts contact").fill("Mr Accounts")
    employer.get_by_role("button", name="Create the order and pay").click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Confirm Pay For Order HSE-HOLD?")
    axe_check(employer)
    employer.get_by_label(re.compile(r"Funds held on account")).check()
    employer.get_by_role("button", name="PAY", exact=True).click()
    expect(employer.locator(".govuk-notification-banner")).to_contain_text("paid from funds held on account")
    assert Order.objects.get(your_reference="HSE-HOLD").status == Order.Status.PAID
    employer.goto("/portal/assessments/credits/")
    expect(employer.locator('[data-credits="hse"]')).to_have_text("2")
    axe_check(employer)

    # ... and books the employee waiting on the hold, with their consent.
    employer.get_by_role("navigation", name="ECS Assessments").get_by_role("link", name="Book an Assessment").click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Book an Assessment")
    axe_check(employer)
    employer.get_by_label("HS&E Assessment (2 credits held)").check()
    employer.get_by_label(f"Book {name}").check()
    employer.get_by_label(f"Email address for {name}").fill("delegate.hold@example.co.uk")
    employer.get_by_label("Each employee ticked has given their permission").check()
    employer.get_by_role("button", name="Book the ticked employees").click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Assessment Bookings")
    booking = Booking.objects.get(employment=application.employment)
    expect(employer.get_by_role("row").filter(has_text=booking.reference)).to_contain_text("Delegate invited")
    axe_check(employer)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.INVITED

    # The delegate opens the single-use link from the email and is photographed, then the ID.
    delegate = open_page()
    delegate.goto(emailed_link("delegate.hold@example.co.uk"))
    axe_check(delegate)
    delegate.get_by_role("button", name="Continue to the assessment").click()
    delegate.wait_for_url(re.compile(r"/assessment/session/verify/$"))
    axe_check(delegate)
    photograph(delegate, "Your photograph")
    delegate.get_by_label("Passport").check()
    photograph(delegate, "Your photo ID")
    delegate.get_by_role("button", name="Continue", exact=True).click()
    delegate.wait_for_url(re.compile(r"/assessment/session/confirm/$"))
    axe_check(delegate)
    delegate.get_by_label("My name and date of birth above are correct").check()
    delegate.get_by_label(re.compile("I will take the assessment alone")).check()
    delegate.get_by_role("button", name="Start the assessment").click()
    delegate.wait_for_url(re.compile(r"/assessment/session/assessment/$"))

    # Every question answered correctly: the right letter read from the question bank for the paper drawn.
    sitting = Sitting.objects.get(booking=booking)
    assert len(sitting.paper) == QUESTIONS
    questions = Question.objects.in_bulk(sitting.paper)
    for position, question_id in enumerate(sitting.paper, start=1):
        question = questions[question_id]
        expect(delegate.get_by_role("heading", name=f"Question {position} of {QUESTIONS}")).to_be_visible()
        expect(delegate.get_by_text(question.text, exact=True)).to_be_visible()
        if position == 1:
            axe_check(delegate)
        delegate.locator(f'[data-session-choices] input[value="{question.correct}"]').check()
        expect(delegate.get_by_text(f"{position} of {QUESTIONS}", exact=True)).to_be_visible()
        last = position == QUESTIONS
        delegate.get_by_role("button", name="Review your answers" if last else "Next question").click()
    expect(delegate.get_by_role("heading", name="Review your answers")).to_be_visible()
    axe_check(delegate)
    delegate.get_by_role("button", name="Submit my answers").click()
    delegate.wait_for_url(re.compile(r"/assessment/session/done/$"))
    expect(delegate.get_by_role("heading", name="Your answers are submitted")).to_be_visible()
    axe_check(delegate)

    # The automated marking ran (the outbox's jobs run inline); the invigilator's review waits.
    sitting.refresh_from_db()
    assert sitting.is_submitted and not sitting.failure_reason and sitting.marked_at is not None
    assert sitting.score == QUESTIONS and sitting.passed is True
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.SUBMITTED
    task = open_task(booking=booking, node=Flow.review)
    assert task is not None
    application.refresh_from_db()
    assert application.status == CardApplication.Status.CONDITIONAL_HOLD  # nothing released before the review

    # The JIB invigilation team confirms the outcome in the back office.
    invigilator = account_services.jib_staff_create(
        email="ivy@jib.example", first_name="Ivy", last_name="Irons", mobile="+447700123457",
        teams=["invigilation"], password="correct horse battery",
    )  # fmt: skip
    back_office = open_page()
    browser_sign_in(back_office, invigilator)
    back_office.goto("/backoffice/workflow/queue/")
    axe_check(back_office)
    back_office.get_by_role("link", name=f"#{task.process_id}/{task.pk}").click()
    axe_check(back_office)
    back_office.get_by_role("button", name="Take and start", exact=True).click()
    back_office.wait_for_url(re.compile(rf"/assessmentbooking/{task.process_id}/review/{task.pk}/execute/$"))
    expect(back_office.get_by_role("heading", level=1)).to_contain_text(booking.reference)
    expect(back_office.get_by_text(f"{QUESTIONS} of {QUESTIONS} correct (100%): pass")).to_be_visible()
    axe_check(back_office)
    back_office.get_by_label("Confirm: the delegate is the person on the ID and the record; the outcome stands").check()
    back_office.get_by_role("button", name="Complete the review").click()
    back_office.wait_for_url(lambda url: "/execute/" not in url)

    # The pass is on the ECS record, and the card application's conditional hold is released.
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PASSED
    result = AssessmentResult.objects.get(booking=booking)
    assert result.passed and result.hse_result_id is not None
    hse = HseResult.objects.get(pk=result.hse_result_id)
    assert hse.operative_id == operative.pk
    application.refresh_from_db()
    assert application.hse_result_id == hse.pk
    assert application.status != CardApplication.Status.CONDITIONAL_HOLD and application.hold_reason == ""
    assert application.status == CardApplication.Status.VERIFIED

    # The employer sees the result on the booking's page.
    employer.goto("/portal/assessments/bookings/?show=ended")
    row = employer.get_by_role("row").filter(has_text=booking.reference)
    expect(row).to_contain_text("Passed")
    row.get_by_role("link", name=booking.reference).click()
    expect(employer.get_by_role("heading", level=1)).to_have_text(f"Booking {booking.reference}")
    result_row = employer.locator(".govuk-summary-list__row").filter(
        has=employer.locator("dt", has_text=re.compile(r"^Result$"))
    )
    expect(result_row).to_contain_text(f"Pass (100%), assessment number {result.number}")
    expect(result_row.get_by_role("link", name="Result letter (PDF)")).to_be_visible()
    axe_check(employer)
