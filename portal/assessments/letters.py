"""The result letter for an assessment, as a PDF (reportlab, as the receipts are made)."""

from django.utils import timezone

from portal.assessments.models import AssessmentResult
from portal.core.pdf import OnePager


def result_letter_pdf(*, result: AssessmentResult) -> bytes:
    booking = result.booking
    operative = result.operative
    page = OnePager(title=f"{result.assessment_type.name} result {result.number}", author="JIB - ECS Assessments")
    line = page.line

    line("ECS Assessments - Result", size=18, bold=True, gap=12)
    line(f"Date: {timezone.localdate():%d %B %Y}", gap=10)
    line(f"Dear {operative.full_name},", gap=10)
    outcome = "passed" if result.passed else "did not pass"
    line(f"You {outcome} the {result.assessment_type.name}, taken by remote invigilation", gap=6)
    line(f"on {result.taken_on:%d %B %Y}.", gap=10)
    line(f"Assessment number: {result.number}", bold=True)
    line(f"Result: {'Pass' if result.passed else 'Fail'}" + (
        f" ({result.score_percent}%; the pass mark is {result.assessment_type.pass_mark_percent}%)"
        if result.score_percent is not None else ""
    ))  # fmt: skip
    if result.passed and result.expires_on:
        line(f"Valid until: {result.expires_on:%d %B %Y}")
    if booking is not None:
        line(f"Booked by: {booking.organisation.name} (booking {booking.reference})")
    page.skip(5)
    if result.passed:
        line("Your ECS record has been updated with this result. It is available for ECS card applications", gap=6)
        line("made through MyECS and the ECS Employer Portal.", gap=12)
        if result.assessment_type.is_hse:
            line("Quote the assessment number above as your H&S Assessment number.", gap=12)
    else:
        line("Your employer may book the assessment again when you are ready.", gap=12)
    line("Yours sincerely,", gap=6)
    line("ECS Assessments, the Joint Industry Board", gap=16)
    return page.finish()
