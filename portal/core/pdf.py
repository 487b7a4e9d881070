"""One-page letters and receipts as PDFs (reportlab): lines of text down an A4 page, then the JIB's footer."""

from io import BytesIO

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

LEFT = 20 * mm


class OnePager:
    """`line()` writes down the page from the top; `finish()` adds the footer and returns the PDF's bytes."""

    def __init__(self, *, title: str, author: str = "JIB - ECS Online Systems"):
        self._buffer = BytesIO()
        self.pdf = canvas.Canvas(self._buffer, pagesize=A4)
        self.pdf.setTitle(title)
        self.pdf.setAuthor(author)
        self.y = A4[1] - 25 * mm

    def line(self, text: str, *, size: int = 11, bold: bool = False, gap: float = 7) -> None:
        self.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.pdf.drawString(LEFT, self.y, text)
        self.y -= gap * mm

    def skip(self, gap: float) -> None:
        self.y -= gap * mm

    def finish(self, *, with_vat_number: bool = False) -> bytes:
        self.line("Joint Industry Board for the Electrical Contracting Industry - ECS card scheme", size=9, gap=5)
        self.line(settings.JIB_POSTAL_ADDRESS, size=9, gap=5)
        if with_vat_number and settings.JIB_VAT_NUMBER:
            self.line(f"VAT registration number: {settings.JIB_VAT_NUMBER}", size=9, gap=5)
        self.pdf.showPage()
        self.pdf.save()
        return self._buffer.getvalue()
