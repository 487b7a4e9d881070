"""Upload checks that read the content, not the file name.

Costs are bounded before anything is decoded: the byte size first, then an image's dimensions from its header
and a PDF's page count and page sizes from its structure. Nothing bigger is decoded or rasterised.
"""

import io
import warnings
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
# 20 million pixels: a 12-megapixel phone photo or an A4 scan at 300 dpi (8.7 million) fits; decoding one costs
# at most about 60 MB. A 6300 × 6300 PNG of 130 KB (40 million pixels) does not.
MAX_IMAGE_PIXELS = 20_000_000
# A PDF page at most 1200 points (about 42 cm) a side: A3 fits. Rasterised at 300 dpi it is at most 5000 pixels a
# side. A certificate or a set of accounts has no more than MAX_PDF_PAGES pages.
MAX_PDF_PAGE_POINTS = 1200
MAX_PDF_PAGES = 100


@contextmanager
def bomb_guard():
    """Pillow's decompression-bomb warning raised as an error (caught by the callers with the error itself).

    A backstop: the pixel caps here refuse such images first. (warnings filters are process-wide: another thread
    may briefly see this one; it only ever makes Pillow stricter.)"""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def pdf_page_points(page) -> tuple[float, float]:
    """A pypdf page's width and height in points (PDF units times the page's UserUnit)."""
    box = page.mediabox
    unit = float(page.get("/UserUnit", 1) or 1)
    return abs(float(box.width)) * unit, abs(float(box.height)) * unit


def validate_pdf(file, *, max_bytes: int = 10 * 1024 * 1024, what: str = "The file") -> None:
    """A real, readable, unencrypted PDF of at most `max_bytes`."""
    if file.size > max_bytes:
        raise ValidationError(f"{what} must be {filesizeformat(max_bytes)} or smaller.", code="too_large")
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if PDF_MAGIC not in head:
        raise ValidationError(f"{what} must be a PDF.", code="not_pdf")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(file.read()))
        if reader.is_encrypted:
            raise ValidationError(f"{what} is protected by a password. Upload a PDF without one.", code="encrypted")
        if len(reader.pages) == 0:
            raise ValidationError(f"{what} has no pages.", code="empty")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ValidationError(
                f"{what} is too large: it has {len(reader.pages)} pages, and at most {MAX_PDF_PAGES} are taken.",
                code="too_large",
            )
        for number, page in enumerate(reader.pages, start=1):
            width, height = pdf_page_points(page)
            if max(width, height) > MAX_PDF_PAGE_POINTS:
                raise ValidationError(
                    f"{what} is too large: page {number} measures {width / 72 * 2.54:.0f} × "
                    f"{height / 72 * 2.54:.0f} cm, and pages up to A3 are taken.",
                    code="too_large",
                )
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise ValidationError(f"{what} could not be read as a PDF. It may be damaged.", code="unreadable")
    finally:
        file.seek(0)


IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}


def _too_many_pixels(what: str, size: str, max_pixels: int) -> ValidationError:
    return ValidationError(
        f"{what} is too large{size}: at most {max_pixels / 1_000_000:g} million pixels are taken. "
        "Send a smaller photo, or a scan at 300 dots per inch.",
        code="too_large",
    )


def validate_image(
    file, *, max_bytes: int = 10 * 1024 * 1024, max_pixels: int = MAX_IMAGE_PIXELS, what: str = "The photo"
):
    """A real JPEG or PNG (by content) of at most `max_bytes` and `max_pixels`; returns (width, height).

    The size is checked before anything is read, and the dimensions from the header before any pixel is decoded,
    so a huge file or a decompression bomb costs nothing."""
    from PIL import Image, UnidentifiedImageError

    if file.size > max_bytes:
        raise ValidationError(f"{what} must be {filesizeformat(max_bytes)} or smaller.", code="too_large")
    file.seek(0)
    try:
        with bomb_guard(), Image.open(file) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError(f"{what} must be a JPEG or PNG image.", code="not_image")
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(what, f" ({width} × {height} pixels)", max_pixels)
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(what, "", max_pixels)
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(f"{what} must be a JPEG or PNG image.", code="not_image")
    finally:
        file.seek(0)
    return width, height


def validate_document(file, *, max_bytes: int = 10 * 1024 * 1024, what: str = "The document") -> str:
    """A certificate or other evidence: a PDF, JPEG or PNG of at most 10 MB. Returns its content type."""
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if PDF_MAGIC in head:
        validate_pdf(file, max_bytes=max_bytes, what=what)
        return "application/pdf"
    try:
        validate_image(file, max_bytes=max_bytes, what=what)
    except ValidationError as exc:
        if exc.code == "not_image":
            raise ValidationError(f"{what} must be a PDF, JPEG or PNG file.", code="not_document") from None
        raise
    from PIL import Image

    with Image.open(file) as image:
        kind = image.format
    file.seek(0)
    return "image/jpeg" if kind == "JPEG" else "image/png"
