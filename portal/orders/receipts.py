"""A receipt per payment, as a PDF (reportlab)."""

from io import BytesIO

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from portal.orders.models import Payment


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def receipt_pdf(*, payment: Payment) -> bytes:
    order = payment.order
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Receipt {payment.receipt_number}")
    pdf.setAuthor("JIB - ECS Online Systems")
    width, height = A4
    y = height - 25 * mm

    def line(text: str, *, size: int = 11, bold: bool = False, gap: float = 7) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(20 * mm, y, text)
        y -= gap * mm

    line("ECS Online Systems - Receipt", size=18, bold=True, gap=12)
    line(f"Receipt number: {payment.receipt_number}")
    line(f"Date received: {timezone.localtime(payment.received_at):%d/%m/%Y %H:%M}")
    line(f"Received from: {order.organisation.name}")
    line(f"Billing office: {order.billing_office.name}")
    line(f"Order: {order.reference} (your reference {order.your_reference})")
    line(f"Accounts contact: {order.accounts_contact}", gap=12)
    line("Items", bold=True)
    for item in order.lines.filter(live=True):
        each, total = _pounds(item.unit_price_pence), _pounds(item.total_pence)
        line(f"{item.quantity} x {item.description[:70]}   {each}   {total}")
    y -= 5 * mm
    line(f"Total paid: {_pounds(payment.amount_pence)}", bold=True)
    if payment.vat_pence:
        line(f"of which VAT: {_pounds(payment.vat_pence)}   (net {_pounds(payment.amount_pence - payment.vat_pence)})")
    else:
        line("No VAT: an advance payment held on account (VAT is charged when cards are bought).")
    line(f"Paid by: {payment.get_method_display()}", gap=14)
    line("Joint Industry Board for the Electrical Contracting Industry - ECS card scheme", size=9)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
