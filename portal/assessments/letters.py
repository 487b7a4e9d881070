"""The result letter for an assessment, as a PDF (reportlab, as the receipts are made)."""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from portal.assessments.models import AssessmentResult


def result_letter_pdf(*, result: AssessmentResult) -> bytes:
    booking = result.booking
    operative = result.operative
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{result.assessment_type.name} result {result.number}")
    pdf.setAuthor("JIB - ECS Assessments")
    width, height = A4
    y = height - 25 * mm

    def line(text: str, *, size: int = 11, bold: bool = False, gap: float = 7) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(20 * mm, y, text)
        y -= gap * mm

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
    y -= 5 * mm
    if result.passed:
        line("Your ECS record has been updated with this result. It is available for ECS card applications", gap=6)
        line("made through MyECS and the ECS Employer Portal.", gap=12)
        if result.assessment_type.is_hse:
            line("Quote the assessment number above as your H&S Assessment number.", gap=12)
    else:
        line("Your employer may book the assessment again when you are ready.", gap=12)
    line("Yours sincerely,", gap=6)
    line("ECS Assessments, the Joint Industry Board", gap=16)
    line("Joint Industry Board for the Electrical Contracting Industry - ECS card scheme", size=9, gap=5)
    line(settings.JIB_POSTAL_ADDRESS, size=9, gap=5)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
