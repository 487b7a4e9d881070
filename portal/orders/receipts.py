"""A receipt per payment, as a PDF (reportlab)."""

from django.utils import timezone
from reportlab.lib.units import mm

from portal.core.pdf import OnePager
from portal.orders.models import FundsLedgerEntry, Payment


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def receipt_pdf(*, payment: Payment) -> bytes:
    order = payment.order
    page = OnePager(title=f"Receipt {payment.receipt_number}")
    line = page.line
    line("ECS Online Systems - Receipt", size=18, bold=True, gap=12)
    line(f"Receipt number: {payment.receipt_number}")
    line(f"Date received: {timezone.localtime(payment.received_at):%d/%m/%Y %H:%M}")
    line(f"Received from: {order.organisation.name}")
    line(f"Billing office: {order.billing_office.name}")
    line(f"Order: {order.reference} (your reference {order.your_reference})")
    line(f"Accounts contact: {order.accounts_contact}", gap=12)
    columns = (20 * mm, 35 * mm, 150 * mm, 190 * mm)  # quantity, item, each, total (the last two right-aligned)

    def row(quantity: str, item: str, each: str, total: str, *, bold: bool = False) -> None:
        page.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
        page.pdf.drawString(columns[0], page.y, quantity)
        page.pdf.drawString(columns[1], page.y, item)
        page.pdf.drawRightString(columns[2], page.y, each)
        page.pdf.drawRightString(columns[3], page.y, total)
        page.skip(6)

    row("Qty", "Item", "Each", "Total", bold=True)
    for item in order.lines.filter(live=True):
        row(str(item.quantity), item.description[:60], _pounds(item.unit_price_pence), _pounds(item.total_pence))
    page.skip(5)
    line(f"Total paid: {_pounds(payment.amount_pence)}", bold=True)
    if payment.vat_pence:
        line(f"of which VAT: {_pounds(payment.vat_pence)}   (net {_pounds(payment.amount_pence - payment.vat_pence)})")
    else:
        line("No VAT: an advance payment held on account (VAT is charged when cards are bought).")
    line(f"Paid by: {payment.get_method_display()}", gap=14)
    return page.finish(with_vat_number=True)


def funds_receipt_number(entry: FundsLedgerEntry) -> str:
    return f"F{entry.pk:07d}"


def funds_receipt_pdf(*, entry: FundsLedgerEntry) -> bytes:
    """A receipt for money received into the funds on account (a BACS transfer the finance team credited)."""
    organisation = entry.account.organisation
    page = OnePager(title=f"Receipt {funds_receipt_number(entry)}")
    line = page.line
    line("ECS Online Systems - Receipt", size=18, bold=True, gap=12)
    line(f"Receipt number: {funds_receipt_number(entry)}")
    line(f"Date received: {timezone.localtime(entry.at):%d/%m/%Y %H:%M}")
    line(f"Received from: {organisation.name}")
    line(f"Paid by: BACS bank transfer (reference {entry.reference})", gap=12)
    line(f"Amount received: {_pounds(entry.amount_pence)}", bold=True)
    line("Held as funds on account, for card applications and assessments. No VAT: it is charged when you buy.")
    line(f"Funds on account after this payment: {_pounds(entry.balance_after_pence)}", gap=14)
    return page.finish()
