"""Upload costs are bounded before decoding: an image's pixel count from its header, a PDF's page count and page
size from its structure. What is refused says it is too large (not that it is the wrong kind of file), and what
Pillow raises about decompression bombs is caught, in the web process and in OCR alike."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.applications.document_forms import UploadForm
from portal.documents import ocr
from portal.documents.photo import photo_check
from portal.documents.validators import MAX_IMAGE_PIXELS, validate_document, validate_image, validate_pdf

ROOT = Path(__file__).resolve().parents[3]


def png(size, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 240 if mode == "L" else (240, 240, 240) if mode == "RGB" else 1).save(buffer, "PNG")
    return buffer.getvalue()


def pdf(page_size=(595, 842), pages=1) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=page_size)
    for number in range(pages):
        document.drawString(72, 72, f"Certificate page {number + 1}")
        document.showPage()
    document.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def big_png() -> bytes:
    """6300 × 6300: 40 million pixels in about 130 KB."""
    return png((6300, 6300))


def test_a_6300_square_png_is_too_large_as_a_photo_and_as_a_document(big_png):
    with pytest.raises(ValidationError, match=r"too large \(6300 × 6300 pixels\)") as refused:
        validate_image(SimpleUploadedFile("p.png", big_png))
    assert refused.value.code == "too_large"
    with pytest.raises(ValidationError, match="too large") as refused:
        validate_document(SimpleUploadedFile("c.png", big_png), what="The document")
    assert "must be" not in refused.value.messages[0]
    reasons = photo_check(SimpleUploadedFile("p.png", big_png)).reasons
    assert len(reasons) == 1 and "too large" in reasons[0] and "JPEG or PNG" not in reasons[0]


def test_the_upload_form_says_too_large_beside_the_field(big_png):
    form = UploadForm(data={}, files={"upload-file": SimpleUploadedFile("cert.png", big_png, "image/png")})
    assert not form.is_valid()
    assert "too large" in form.errors["file"][0] and "PDF, JPEG or PNG" not in form.errors["file"][0]


def test_an_image_at_the_limit_is_taken():
    side = int(MAX_IMAGE_PIXELS**0.5)
    assert validate_image(SimpleUploadedFile("p.png", png((side, side), "1"))) == (side, side)


def test_pillows_bomb_warning_is_refused_as_too_large_not_let_through():
    """Past Pillow's own limit (89 million pixels) it warns; with our cap lifted, the warning is an error."""
    bomb = SimpleUploadedFile("b.png", png((10_000, 10_000), "1"))
    with pytest.raises(ValidationError, match="too large") as refused:
        validate_image(bomb, max_pixels=10**9)
    assert refused.value.code == "too_large"


MEASURE = """
import resource, sys, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from portal.documents.photo import photo_check
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
reasons = photo_check(SimpleUploadedFile("p.png", data)).reasons
print(json.dumps({"grew_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, "reasons": reasons}))
"""


def test_checking_the_6300_square_png_costs_next_to_no_memory(big_png, tmp_path):
    """Measured in a fresh process: peak memory grew by about 350 MB before the header check; now by about 1 MB."""
    path = tmp_path / "big.png"
    path.write_bytes(big_png)
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + MEASURE, str(path)],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "portal.test_settings", "PYTHONPATH": str(ROOT), "ECS_TESTING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert "too large" in measured["reasons"][0]
    assert measured["grew_kb"] < 30 * 1024, measured


def test_a_5000_point_pdf_page_is_too_large():
    with pytest.raises(ValidationError, match=r"too large: page 1 measures 176 × 176 cm") as refused:
        validate_pdf(SimpleUploadedFile("c.pdf", pdf((5000, 5000))), what="The document")
    assert refused.value.code == "too_large"
    with pytest.raises(ValidationError, match="too large"):
        validate_document(SimpleUploadedFile("c.pdf", pdf((842, 5000))))


def test_an_a3_pdf_is_taken_and_too_many_pages_are_not():
    validate_pdf(SimpleUploadedFile("a3.pdf", pdf((842, 1191))))
    with pytest.raises(ValidationError, match="too large: it has 101 pages"):
        validate_pdf(SimpleUploadedFile("long.pdf", pdf(pages=101)))


def test_ocr_of_a_5000_point_page_is_unreadable_without_rasterising(monkeypatch):
    """Before: pdftoppm drew a 434-million-pixel page and Pillow raised DecompressionBombError out of the task."""

    def no_rasterising(*args, **kwargs):
        raise AssertionError("the page must not be rasterised")

    monkeypatch.setattr(ocr.subprocess, "run", no_rasterising)
    reading = ocr.certificate_read(data=pdf((5000, 5000)), content_type="application/pdf")
    assert reading.readable is False


def test_ocr_rasterises_a_large_page_within_the_pixel_cap():
    assert ocr._pdf_dpi(pdf((595, 842))) == 300
    dpi = ocr._pdf_dpi(pdf((2000, 2000)))
    assert dpi < 300 and (2000 * dpi / 72) ** 2 <= MAX_IMAGE_PIXELS


def test_ocr_of_a_huge_image_or_a_pillow_bomb_is_unreadable(big_png, monkeypatch):
    assert ocr.certificate_read(data=big_png, content_type="image/png").readable is False
    monkeypatch.setattr(ocr, "MAX_IMAGE_PIXELS", 10**9)
    bomb = png((10_000, 10_000), "1")  # past Pillow's own warning limit
    assert ocr.certificate_read(data=bomb, content_type="image/png").readable is False
