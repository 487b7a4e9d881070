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
