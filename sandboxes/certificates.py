"""Certificate images for the OCR tests and benchmark, rendered from data/certificates.json.

Each awarding body has its own layout and labels. Degradations reproduce what users upload: a slight rotation,
blur, heavy JPEG compression, 150 to 300 dpi, or a PDF.
"""

import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = Path("/usr/share/fonts/truetype")
CERTIFICATES = json.loads((Path(__file__).parent / "data" / "certificates.json").read_text())


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


@dataclass(frozen=True)
class Layout:
    title: str
    serif: bool
    number_label: str
    date_label: str
    code_label: str
    colour: tuple


LAYOUTS = {
    "city-and-guilds": Layout(
        "City & Guilds", True, "Certificate No", "Date of Award", "Qualification No", (200, 16, 46)
    ),
    "eal": Layout("EAL", False, "Certificate Number", "Date Achieved", "Qualification Ref", (0, 82, 147)),
    "lcl-awards": Layout("LCL Awards", False, "Certificate Ref", "Issue Date", "Unit Code", (0, 120, 70)),
    "nocn": Layout("NOCN", True, "Certificate Serial", "Award Date", "QAN", (90, 40, 130)),
    "bpec": Layout("BPEC", False, "Certificate", "Date Passed", "Course Code", (230, 120, 0)),
}


def long_date(value: str) -> str:
    return date.fromisoformat(value).strftime("%d %B %Y")


def render(record: dict, *, dpi: int = 300) -> Image.Image:
    """An A4 portrait certificate at `dpi`."""
    layout = LAYOUTS[record["awarding_body"]]
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    scale = dpi / 300
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    regular = "dejavu/DejaVuSerif.ttf" if layout.serif else "dejavu/DejaVuSans.ttf"
    bold = "dejavu/DejaVuSerif-Bold.ttf" if layout.serif else "dejavu/DejaVuSans-Bold.ttf"

    def text(y, value, size, *, bolded=False, x=None):
        f = font(bold if bolded else regular, int(size * scale))
        w = draw.textlength(value, font=f)
        draw.text((x * scale if x is not None else (width - w) / 2, y * scale), value, fill="black", font=f)

    margin = int(120 * scale)
    draw.rectangle((margin, margin, width - margin, height - margin), outline=layout.colour, width=int(12 * scale))
    draw.ellipse((width / 2 - 90 * scale, 230 * scale, width / 2 + 90 * scale, 410 * scale), fill=layout.colour)
    text(470, layout.title, 110, bolded=True)
    text(700, "This is to certify that", 56)
    text(820, f"{record['candidate_first_name']} {record['candidate_last_name']}", 96, bolded=True)
    text(1000, "has been awarded", 56)
    title = record["qualification_title"]
    words, lines, line = title.split(), [], ""
    for word in words:
        if len(line) + len(word) > 38:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for i, part in enumerate(lines):
        text(1120 + i * 90, part, 64, bolded=True)
    y = 1600
    rows = [
        (layout.code_label, record["qualification_code"]),
        (layout.number_label, record["certificate_number"]),
        (layout.date_label, long_date(record["date_awarded"])),
    ]
    if record.get("learner_reference"):  # NOCN prints the learner's ULN
        rows.append(("Unique Learner Number", record["learner_reference"]))
    for label, value in rows:
        text(y, f"{label}: {value}", 58, x=330)
        y += 120
    text(3100, f"{layout.title} is an awarding organisation recognised by Ofqual", 36)
    return image


def degrade(image: Image.Image, *, angle: float = 0, blur: float = 0) -> Image.Image:
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor="white")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    return image


def as_bytes(image: Image.Image, *, kind: str = "jpeg", quality: int = 40, dpi: int = 300) -> bytes:
    buffer = io.BytesIO()
    if kind == "pdf":
        image.save(buffer, "PDF", resolution=dpi)
    elif kind == "png":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
