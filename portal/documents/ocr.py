"""Reading qualification certificates with tesseract: which body, whose, what, which number, when.

Pages are rasterised (PDF through pdftoppm at 300 dpi, less for a page that would exceed MAX_IMAGE_PIXELS), turned
grey, brought to about 300 dpi, straightened (a projection-profile search over ±5°) and read; fields are found by
the labels the awarding bodies print. A page or image too big to decode within MAX_IMAGE_PIXELS is not read.
"""

import difflib
import io
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytesseract
from PIL import Image, ImageOps, ImageStat

from portal.documents.validators import MAX_IMAGE_PIXELS, bomb_guard, pdf_page_points

# tesseract's OpenMP threads fight each other on a small machine: one thread reads a page about five times faster.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

BODIES = {"CITY & GUILDS": "city-and-guilds", "EAL": "eal", "LCL AWARDS": "lcl-awards", "NOCN": "nocn", "BPEC": "bpec"}
NUMBER = re.compile(r"Certificate(?: No| Number| Ref| Serial)?\s*[:;.]\s*([A-Z0-9][A-Z0-9/-]{3,})", re.I)
DATE = re.compile(
    r"(?:Date of Award|Date Achieved|Issue Date|Award Date|Date Passed)\s*[:;.]?\s*(\d{1,2} [A-Za-z]+ \d{4})"
)
CODE = re.compile(
    r"(?:Qualification No|Qualification Ref|Unit Code|QAN|Course Code)\s*[:;.]\s*([A-Z0-9][A-Z0-9/.-]+)", re.I
)
TARGET_WIDTH = 2480  # A4 at 300 dpi
DPI = 300
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class TooLarge(Exception):
    """A page or image with more pixels than MAX_IMAGE_PIXELS: it is not decoded."""


@dataclass
class CertificateReading:
    readable: bool
    awarding_body: str = ""
    candidate_name: str = ""
    qualification_code: str = ""
    qualification_title: str = ""
    certificate_number: str = ""
    date_awarded: date | None = None
    text: str = field(default="", repr=False)


def _pdf_dpi(data: bytes) -> int:
    """300 dpi, or less so that the first page stays within MAX_IMAGE_PIXELS (a page measured, not drawn)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        width, height = pdf_page_points(PdfReader(io.BytesIO(data)).pages[0])
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise OSError(f"unreadable PDF: {exc}") from None
    fitting = int((MAX_IMAGE_PIXELS / max(1.0, width * height)) ** 0.5 * 72)
    if fitting < 72:  # under 72 dpi nothing printed is legible: the page is not a certificate
        raise TooLarge(f"page of {width:.0f} × {height:.0f} points")
    return min(DPI, fitting)


def _opened(image: Image.Image) -> Image.Image:
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise TooLarge(f"image of {image.width} × {image.height} pixels")
    return image


def _pages(data: bytes, content_type: str) -> list[Image.Image]:
    with bomb_guard():
        if content_type == "application/pdf" or data[:5] == b"%PDF-":
            dpi = _pdf_dpi(data)
            with tempfile.TemporaryDirectory() as folder:
                pdf = Path(folder) / "in.pdf"
                pdf.write_bytes(data)
                # Uncompressed greyscale (PGM): writing a PNG of an A4 page at 300 dpi costs about a second.
                subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", "1", "-l", "1", str(pdf), f"{folder}/p"],
                               check=True, capture_output=True, timeout=60)  # fmt: skip
                return [_opened(Image.open(p)).copy() for p in sorted(Path(folder).glob("p*.pgm"))]
        return [_opened(Image.open(io.BytesIO(data)))]


def _skew_angle(grey: Image.Image) -> float:
    """The small rotation (±5°) that makes text lines horizontal: the one with the sharpest row profile."""
    small = grey.resize((600, int(600 * grey.height / grey.width)))
    ink = small.point(lambda v: 255 if v < 160 else 0)
    best, best_score = 0.0, -1.0
    for tenth in range(-50, 51, 5):
        angle = tenth / 10
        rows = ink.rotate(angle, resample=Image.BILINEAR).resize((1, small.height), Image.BOX)
        score = ImageStat.Stat(rows).var[0]
        if score > best_score:
            best, best_score = angle, score
    return best


def _prepare(image: Image.Image) -> Image.Image:
    grey = ImageOps.grayscale(image.convert("RGB"))
    if grey.width < TARGET_WIDTH * 0.9 or grey.width > TARGET_WIDTH * 1.3:
        grey = grey.resize((TARGET_WIDTH, int(TARGET_WIDTH * grey.height / grey.width)), Image.LANCZOS)
    angle = _skew_angle(grey)
    if angle:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return ImageOps.autocontrast(grey)


def _fix_number(value: str) -> str:
    """OCR confuses O/0 and I/1 among digits: digits follow the letter prefix of a certificate number."""
    value = value.upper().strip(".,;:")
    match = re.match(r"^([A-Z]*)(.*)$", value)
    prefix, rest = match.group(1), match.group(2)
    if prefix and len(prefix) > 4:  # all letters read: the digits were read as letters
        prefix, rest = prefix[:3], prefix[3:] + rest
    return prefix + rest.translate(str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8"}))


def _body(lines: list[str]) -> str:
    for line in lines[:12]:
        candidate = line.upper().strip()
        close = difflib.get_close_matches(candidate, BODIES, n=1, cutoff=0.75)
        if close:
            return BODIES[close[0]]
    return ""


def certificate_read(*, data: bytes, content_type: str) -> CertificateReading:
    try:
        pages = _pages(data, content_type)
    except (OSError, subprocess.SubprocessError, TooLarge, *BOMB_ERRORS):
        return CertificateReading(readable=False)
    text = pytesseract.image_to_string(_prepare(pages[0]), config="--psm 4 --oem 1", timeout=30)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reading = CertificateReading(readable=bool(lines), text=text, awarding_body=_body(lines))
    lowered = [line.lower() for line in lines]
    start = next((i for i, line in enumerate(lowered) if "certify that" in line), None)
    if start is not None and start + 1 < len(lines):
        reading.candidate_name = lines[start + 1]
    awarded = next((i for i, line in enumerate(lowered) if "has been awarded" in line), None)
    if awarded is not None:
        title = []
        for line in lines[awarded + 1 :]:
            if ":" in line:
                break
            title.append(line)
        reading.qualification_title = " ".join(title)
    if match := CODE.search(text):
        reading.qualification_code = match.group(1).strip(".,;")
    if match := NUMBER.search(text):
        reading.certificate_number = _fix_number(match.group(1))
    if match := DATE.search(text):
        try:
            reading.date_awarded = datetime.strptime(match.group(1), "%d %B %Y").date()
        except ValueError:
            reading.date_awarded = None
    return reading


def _norm(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def reading_compare(reading: CertificateReading, *, first_name: str, last_name: str) -> dict[str, str]:
    """What does not match the operative's record, field by field (empty when everything matches)."""
    problems = {}
    name = _norm(reading.candidate_name)
    if not name:
        problems["name"] = "No name could be read from the certificate."
    elif _norm(last_name) not in name:
        problems["name"] = f"The certificate is in the name of {reading.candidate_name}."
    elif _norm(first_name) not in name and not name.startswith(_norm(first_name)[:1]):
        problems["name"] = f"The first name on the certificate ({reading.candidate_name}) differs."
    if not reading.certificate_number:
        problems["certificate_number"] = "No certificate number could be read."
    if not reading.awarding_body:
        problems["awarding_body"] = "The awarding body could not be recognised."
    return problems
