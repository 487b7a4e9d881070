"""The face of an ECS card as a PDF the size of the card (85.6 × 54 mm, ISO/IEC 7810 ID-1), for the JIB's
processing team to print when a card is prepared: the holder's photo, name, card type, occupation and grade, the
card number, the expiry, and the card's QR code (portal.registry.card_codes: the number and nothing else)."""

from io import BytesIO

from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from portal.registry.card_codes import card_qr
from portal.registry.models import Card

CARD_SIZE = (85.6 * mm, 54 * mm)
QR_SIZE = 22 * mm
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def _fit(pdf: canvas.Canvas, text: str, *, font: str, size: float, width: float) -> float:
    """The font size at which `text` fits `width` (never above `size`)."""
    while size > 5 and pdf.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def draw_qr(pdf: canvas.Canvas, number: str, *, x: float, y: float, size: float) -> None:
    """The card's QR code as vector squares, with its quiet zone, `size` wide at (x, y) (bottom left)."""
    matrix = card_qr(number).matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    step = size / modules
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0.04, 0.05, 0.05)
    for row, bits in enumerate(matrix):
        for col, bit in enumerate(bits):
            if bit & 1:
                pdf.rect(x + (col + QUIET_ZONE) * step, y + size - (row + QUIET_ZONE + 1) * step, step, step,
                         stroke=0, fill=1)  # fmt: skip


def card_face_pdf(*, card: Card, photo=None) -> bytes:
    """One page the size of the card. `photo` is an open image file (the card application's photo) or None."""
    buffer = BytesIO()
    width, height = CARD_SIZE
    pdf = canvas.Canvas(buffer, pagesize=CARD_SIZE)
    pdf.setTitle(f"ECS card {card.number}")
    pdf.setAuthor("JIB - ECS Online Systems")
    # The band across the top.
    pdf.setFillColorRGB(0.11, 0.24, 0.45)
    pdf.rect(0, height - 9 * mm, width, 9 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(4 * mm, height - 6.3 * mm, "ECS")
    type_name = card.card_type.name
    type_size = _fit(pdf, type_name, font="Helvetica-Bold", size=7, width=width - 17 * mm)
    pdf.setFont("Helvetica-Bold", type_size)
    pdf.drawString(13 * mm, height - 6 * mm, type_name)
    # The photo on the left, or a frame where it goes.
    photo_box = (4 * mm, 6 * mm, 20 * mm, 25.7 * mm)
    if photo is not None:
        with Image.open(photo) as image:
            image = image.convert("RGB")
            image.thumbnail((400, 514))
            pdf.drawImage(ImageReader(image), *photo_box, preserveAspectRatio=True, anchor="c")
    else:
        pdf.setStrokeColorRGB(0.6, 0.6, 0.6)
        pdf.rect(*photo_box, stroke=1, fill=0)
    # The holder and the card in the middle.
    left = 27 * mm
    text_width = width - left - QR_SIZE - 5 * mm
    pdf.setFillColorRGB(0.04, 0.05, 0.05)
    name = card.operative.full_name
    pdf.setFont("Helvetica-Bold", _fit(pdf, name, font="Helvetica-Bold", size=9, width=text_width))
    pdf.drawString(left, height - 15 * mm, name)
    lines = []
    if card.occupation_id:
        lines.append(card.occupation.name + (f", {card.grade.name}" if card.grade_id else ""))
    lines += [f"Card number {card.number}", f"Expires {card.expires_on:%b %Y}"]
    y = height - 20 * mm
    for line in lines:
        pdf.setFont("Helvetica", _fit(pdf, line, font="Helvetica", size=6.5, width=text_width))
        pdf.drawString(left, y, line)
        y -= 4 * mm
    # The code on the right, with what it is for beneath it.
    draw_qr(pdf, card.number, x=width - QR_SIZE - 3 * mm, y=8 * mm, size=QR_SIZE)
    pdf.setFont("Helvetica", 4.5)
    pdf.drawCentredString(width - QR_SIZE / 2 - 3 * mm, 5.5 * mm, "Scan to check this card")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
