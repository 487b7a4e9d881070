"""Upload checks that read the content, not the file name."""

import io

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"


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
    except (PdfReadError, ValueError, KeyError, OSError):
        raise ValidationError(f"{what} could not be read as a PDF. It may be damaged.", code="unreadable")
    finally:
        file.seek(0)


IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}


def validate_image(file, *, max_bytes: int = 10 * 1024 * 1024, max_pixels: int = 40_000_000, what: str = "The photo"):
    """A real JPEG or PNG (by content) of at most `max_bytes` and `max_pixels`; returns (width, height).

    The size is checked before anything is read, and the dimensions from the header before any pixel is decoded,
    so a huge file or a decompression bomb costs nothing."""
    from PIL import Image, UnidentifiedImageError

    if file.size > max_bytes:
        raise ValidationError(f"{what} must be {filesizeformat(max_bytes)} or smaller.", code="too_large")
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError(f"{what} must be a JPEG or PNG image.", code="not_image")
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(f"{what} has too many pixels ({width} × {height}).", code="too_many_pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
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
