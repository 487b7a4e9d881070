"""A receipt per payment, as a PDF (reportlab)."""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from portal.orders.models import FundsLedgerEntry, Payment


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
    columns = (20 * mm, 35 * mm, 150 * mm, 190 * mm)  # quantity, item, each, total (the last two right-aligned)

    def row(quantity: str, item: str, each: str, total: str, *, bold: bool = False) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
        pdf.drawString(columns[0], y, quantity)
        pdf.drawString(columns[1], y, item)
        pdf.drawRightString(columns[2], y, each)
        pdf.drawRightString(columns[3], y, total)
        y -= 6 * mm

    row("Qty", "Item", "Each", "Total", bold=True)
    for item in order.lines.filter(live=True):
        row(str(item.quantity), item.description[:60], _pounds(item.unit_price_pence), _pounds(item.total_pence))
    y -= 5 * mm
    line(f"Total paid: {_pounds(payment.amount_pence)}", bold=True)
    if payment.vat_pence:
        line(f"of which VAT: {_pounds(payment.vat_pence)}   (net {_pounds(payment.amount_pence - payment.vat_pence)})")
    else:
        line("No VAT: an advance payment held on account (VAT is charged when cards are bought).")
    line(f"Paid by: {payment.get_method_display()}", gap=14)
    line("Joint Industry Board for the Electrical Contracting Industry - ECS card scheme", size=9, gap=5)
    line(settings.JIB_POSTAL_ADDRESS, size=9, gap=5)
    if settings.JIB_VAT_NUMBER:
        line(f"VAT registration number: {settings.JIB_VAT_NUMBER}", size=9, gap=5)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def funds_receipt_number(entry: FundsLedgerEntry) -> str:
    return f"F{entry.pk:07d}"


def funds_receipt_pdf(*, entry: FundsLedgerEntry) -> bytes:
    """A receipt for money received into the funds on account (a BACS transfer the finance team credited)."""
    organisation = entry.account.organisation
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Receipt {funds_receipt_number(entry)}")
    pdf.setAuthor("JIB - ECS Online Systems")
    width, height = A4
    y = height - 25 * mm

    def line(text: str, *, size: int = 11, bold: bool = False, gap: float = 7) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(20 * mm, y, text)
        y -= gap * mm

    line("ECS Online Systems - Receipt", size=18, bold=True, gap=12)
    line(f"Receipt number: {funds_receipt_number(entry)}")
    line(f"Date received: {timezone.localtime(entry.at):%d/%m/%Y %H:%M}")
    line(f"Received from: {organisation.name}")
    line(f"Paid by: BACS bank transfer (reference {entry.reference})", gap=12)
    line(f"Amount received: {_pounds(entry.amount_pence)}", bold=True)
    line("Held as funds on account, for card applications and assessments. No VAT: it is charged when you buy.")
    line(f"Funds on account after this payment: {_pounds(entry.balance_after_pence)}", gap=14)
    line("The Joint Industry Board for the Electrotechnical Industry", size=9, gap=5)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
