"""A contract's workforce and card status "as at" a date, for auditors: CSV and PDF.

Both read `contract_workers_with_status` (three queries whatever the size) with the viewer's scope, so an export
shows what the contract page shows: names, companies, card facts and status; never NI numbers, dates of birth or
contact details."""

from datetime import date
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from portal.contracts.models import Contract, ContractParty
from portal.contracts.selectors import contract_workers_with_status
from portal.core.exports import csv_response

HEADER = [
    "Name",
    "Company",
    "Tier",
    "Role",
    "On the contract from",
    "Off the contract from",
    "Card number",
    "Card type",
    "Occupation",
    "Grade",
    "Card expires",
    "Card status",
    "HS&E",
]


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}".lstrip("0") if value else ""


def workforce_rows(*, contract: Contract, viewer_party: ContractParty | None, as_at: date) -> list[list[str]]:
    return [
        [
            row.sort_name,
            row.company,
            str(row.tier),
            row.role_label,
            _day(row.on_from),
            _day(row.off_from),
            row.card_number,
            row.card_type,
            row.occupation,
            row.grade,
            _day(row.expires_on),
            row.status_label,
            row.hse_label,
        ]
        for row in contract_workers_with_status(contract, viewer_party=viewer_party, as_at=as_at)
    ]


def _filename(contract: Contract, as_at: date, extension: str) -> str:
    return f"{slugify(contract.name)[:50] or 'contract'}-workforce-{as_at:%Y-%m-%d}.{extension}"


def _title_lines(contract: Contract, viewer_party: ContractParty | None, as_at: date) -> list[str]:
    scope = "the whole supply chain" if viewer_party is None else f"{viewer_party.display_name} and its subcontractors"
    return [
        f"{contract.name}" + (f" (reference {contract.client_reference})" if contract.client_reference else ""),
        f"Client: {contract.client.name}. Site: {' '.join(contract.site_address.split())}, {contract.site_postcode}",
        f"Workforce and card status as at {_day(as_at)}, for {scope}. "
        f"Produced {timezone.localtime():%d %b %Y %H:%M} from the live ECS record.",
    ]


def workforce_csv_response(*, contract: Contract, viewer_party: ContractParty | None, as_at: date):
    rows = workforce_rows(contract=contract, viewer_party=viewer_party, as_at=as_at)
    titles = [[line] for line in _title_lines(contract, viewer_party, as_at)]
    return csv_response(_filename(contract, as_at, "csv"), titles[0], [*titles[1:], [], HEADER, *rows])


# Columns of the PDF's table, in characters of a fixed-width font: one text line per worker (5,000 workers in well
# under a second, where a cell at a time takes seconds).
PDF_COLUMNS = [("Name", 28), ("Company", 24), ("Tier", 4), ("Role", 10), ("On from", 11), ("Off from", 11),
               ("Card", 9), ("Card type", 20), ("Occupation", 16), ("Grade", 10), ("Expires", 11),
               ("Status / HS&E", 26)]  # fmt: skip
PDF_FONT_SIZE = 6.6
PDF_ROWS_PER_PAGE = 52


def _pdf_line(cells: list[str]) -> str:
    return " ".join(cell[:width].ljust(width) for cell, (_, width) in zip(cells, PDF_COLUMNS, strict=True)).rstrip()


def workforce_pdf(*, contract: Contract, viewer_party: ContractParty | None, as_at: date) -> bytes:
    """The export as a PDF (landscape A4): a title block, then one line per worker, the column heads on each page."""
    rows = workforce_rows(contract=contract, viewer_party=viewer_party, as_at=as_at)
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    pdf.setTitle(f"{contract.name}: workforce as at {_day(as_at)}")
    pdf.setAuthor("JIB - ECS Online Systems (ECS Check)")
    width, height = landscape(A4)
    heads = _pdf_line([head for head, _ in PDF_COLUMNS])
    pages = max(1, -(-len(rows) // PDF_ROWS_PER_PAGE))
    for page in range(pages):
        y = height - 14 * mm
        if page == 0:
            pdf.setFont("Helvetica-Bold", 14)
            pdf.drawString(10 * mm, y, "ECS Check - workforce and card status")
            y -= 7 * mm
            pdf.setFont("Helvetica", 9)
            for line in _title_lines(contract, viewer_party, as_at):
                pdf.drawString(10 * mm, y, line[:170])
                y -= 5 * mm
            y -= 2 * mm
        text = pdf.beginText(10 * mm, y)
        text.setFont("Courier-Bold", PDF_FONT_SIZE)
        text.setLeading(PDF_FONT_SIZE * 1.45)
        text.textLine(heads)
        text.setFont("Courier", PDF_FONT_SIZE)
        for row in rows[page * PDF_ROWS_PER_PAGE : (page + 1) * PDF_ROWS_PER_PAGE]:
            text.textLine(_pdf_line([*row[:11], f"{row[11]} / {row[12]}"]))
        if not rows:
            text.textLine("Nobody was on the contract that day.")
        pdf.drawText(text)
        pdf.setFont("Helvetica", 7)
        pdf.drawString(10 * mm, 8 * mm, f"{len(rows)} workers. Page {page + 1} of {pages}.")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def workforce_pdf_response(*, contract: Contract, viewer_party: ContractParty | None, as_at: date) -> HttpResponse:
    response = HttpResponse(
        workforce_pdf(contract=contract, viewer_party=viewer_party, as_at=as_at), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(contract, as_at, "pdf")}"'
    add_never_cache_headers(response)
    return response
