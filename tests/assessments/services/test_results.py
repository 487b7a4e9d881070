"""Results on the ECS record: HS&E through the registry (conditional holds released), the other types with their
own number and expiry; refused until marked and confirmed; recorded once; the result letter."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from portal.assessments import selectors, services
from portal.assessments.letters import result_letter_pdf
from portal.assessments.models import AssessmentResult, Booking
from portal.assessments.signals import result_recorded
from portal.registry.models import HseResult
from portal.registry.signals import hse_pass_recorded
from tests.factories_assessments import book, sat_and_marked

pytestmark = pytest.mark.django_db
Status = Booking.Status


@pytest.fixture
def announced():
    calls = {"hse": [], "result": []}

    def on_hse(sender, **kwargs):
        calls["hse"].append(kwargs)

    def on_result(sender, **kwargs):
        calls["result"].append(kwargs)

    hse_pass_recorded.connect(on_hse)
    result_recorded.connect(on_result)
    yield calls
    hse_pass_recorded.disconnect(on_hse)
    result_recorded.disconnect(on_result)


def test_an_hse_pass_goes_on_the_record_through_the_registry(primary_user, announced):
    booking = book(primary_user)
    sat_and_marked(booking, passed=True, score=46)
    result = services.assessment_result_record(booking=booking, actor=None)
    today = timezone.localdate()
    hse = HseResult.objects.get(operative=booking.operative)
    assert result.hse_result == hse and hse.number == result.number and result.number.startswith("HSE")
    assert hse.passed and hse.score == 46 and hse.expires_on == today + relativedelta(years=2)
    assert result.expires_on == hse.expires_on and result.score_percent == 92
    assert [c["result"] for c in announced["hse"]] == [hse]  # what releases conditional holds
    assert [c["result"] for c in announced["result"]] == [result]
    booking.refresh_from_db()
    assert booking.status == Status.PASSED and booking.completed_at is not None
    assert "Result recorded on the ECS record: pass" in booking.events.last().what
    assert selectors.valid_result(operative=booking.operative, assessment_type=booking.assessment_type) == result


def test_an_hse_fail_is_recorded_without_expiry_and_releases_nothing(primary_user, announced):
    booking = book(primary_user)
    sat_and_marked(booking, passed=False, score=30)
    result = services.assessment_result_record(booking=booking)
    assert not result.passed and result.expires_on is None and not result.hse_result.passed
    assert announced["hse"] == [] and len(announced["result"]) == 1
    booking.refresh_from_db()
    assert booking.status == Status.FAILED


def test_another_type_gets_its_own_number_and_expiry(primary_user):
    booking = book(primary_user, code="fire")
    sat_and_marked(booking, passed=True, score=13)
    result = services.assessment_result_record(booking=booking)
    assert result.number.startswith("ECSA") and result.hse_result is None
    assert result.expires_on == date.today() + relativedelta(years=booking.assessment_type.pass_valid_years)
    assert not HseResult.objects.exists()


def test_recorded_once(primary_user):
    booking = book(primary_user)
    sat_and_marked(booking)
    first = services.assessment_result_record(booking=booking)
    assert services.assessment_result_record(booking=booking) == first
    assert AssessmentResult.objects.count() == 1 and HseResult.objects.count() == 1


def test_refused_until_marked_and_confirmed(primary_user):
    booking = book(primary_user)
    with pytest.raises(services.AssessmentError, match="no marked sitting"):
        services.assessment_result_record(booking=booking)
    sat_and_marked(booking, confirmed=False)
    with pytest.raises(services.AssessmentError, match="not been confirmed by an invigilator"):
        services.assessment_result_record(booking=booking)
    assert not AssessmentResult.objects.exists()


def test_a_voided_sitting_records_nothing(primary_user):
    booking = book(primary_user)
    sat_and_marked(booking)
    services.booking_void(booking=booking, actor=primary_user.user, reason="Someone else sat it")
    with pytest.raises(services.AssessmentError):
        services.assessment_result_record(booking=booking)
    assert not HseResult.objects.exists()


def test_the_result_letter_is_a_pdf(primary_user):
    booking = book(primary_user)
    sat_and_marked(booking)
    result = services.assessment_result_record(booking=booking)
    pdf = result_letter_pdf(result=result)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_the_delegate_is_emailed_the_result_with_the_letter(
    primary_user, mailoutbox, django_capture_on_commit_callbacks
):
    booking = book(primary_user)
    sat_and_marked(booking, passed=True, score=44)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.assessment_result_record(booking=booking)
    [message] = mailoutbox
    assert message.to == ["delegate@example.com"]
    assert message.subject == "Your HS&E Assessment result: pass"
    assert result.number in message.body and "88%" in message.body and "Valid until" in message.body
    [(name, content, mimetype)] = message.attachments
    assert name == f"result-{result.number}.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_result_record(booking=booking)  # already recorded: not sent again
    assert len(mailoutbox) == 1


def test_a_fail_is_emailed_without_expiry(primary_user, mailoutbox, django_capture_on_commit_callbacks):
    booking = book(primary_user, code="fire")
    sat_and_marked(booking, passed=False, score=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_result_record(booking=booking)
    [message] = mailoutbox
    assert message.subject == "Your Fire assessment result: not passed"
    assert "pass mark is 75%" in message.body and "Valid until" not in message.body
