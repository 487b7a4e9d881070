"""Upload checks by content, and the photo guidance, on generated images."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

from portal.documents.photo import photo_check
from portal.documents.validators import validate_document, validate_image, validate_pdf


def passport_photo(size=(700, 900), background=(235, 235, 235), fmt="JPEG") -> Image.Image:
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((w * 0.2, h * 0.72, w * 0.8, h), fill=(40, 50, 90))  # shoulders
    draw.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.72), fill=(224, 172, 140))  # face
    draw.ellipse((w * 0.28, h * 0.1, w * 0.72, h * 0.3), fill=(60, 40, 30))  # hair
    for x in (0.42, 0.58):
        draw.ellipse((w * x - 12, h * 0.4 - 8, w * x + 12, h * 0.4 + 8), fill=(40, 30, 30))  # eyes
    draw.line((w * 0.44, h * 0.58, w * 0.56, h * 0.58), fill=(150, 60, 60), width=6)  # mouth
    return image


def upload(image: Image.Image, name="photo.jpg", fmt="JPEG", quality=90) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=quality) if fmt == "JPEG" else image.save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_a_passport_style_photo_passes():
    assert photo_check(upload(passport_photo())).reasons == []
    assert photo_check(upload(passport_photo(), "p.png", "PNG")).ok


def busy(image):
    rng = random.Random(1)
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(image.width), rng.randrange(image.height // 3)
        draw.rectangle((x, y, x + 30, y + 30), fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        (busy(passport_photo()), "background must be plain"),
        (passport_photo(size=(900, 700)), "must be portrait"),
        (passport_photo(size=(280, 360)), "too small"),
        (passport_photo(background=(20, 20, 20)).point(lambda v: v // 5), "too dark"),
        (passport_photo().filter(ImageFilter.GaussianBlur(12)), "blurred"),
        (Image.new("RGB", (700, 900), (235, 235, 235)), "could not find a face"),
    ],
)
def test_photos_against_the_guidance_are_refused_with_the_reason(image, reason):
    check = photo_check(upload(image))
    assert not check.ok
    assert any(reason in r for r in check.reasons), check.reasons


def test_a_pdf_named_jpg_is_not_a_photo():
    from tests.licensing.flows.test_licence_flow import make_pdf

    pdf = SimpleUploadedFile("photo.jpg", make_pdf(), content_type="image/jpeg")
    assert "must be a JPEG or PNG" in photo_check(pdf).reasons[0]
    assert validate_document(SimpleUploadedFile("cert.jpg", make_pdf())) == "application/pdf"


def test_a_40_mb_photo_is_refused_before_it_is_read():
    class Huge:
        size = 40 * 1024 * 1024

        def seek(self, *_):
            raise AssertionError("the content must not be read")

    with pytest.raises(ValidationError, match="10.0"):
        validate_image(Huge())


def test_decompression_bomb_is_refused():
    with pytest.raises(ValidationError, match="too large"):
        validate_image(upload(Image.new("L", (8000, 6000)), "big.png", "PNG"), max_pixels=40_000_000)


def test_documents_must_be_pdf_jpeg_or_png():
    with pytest.raises(ValidationError, match="PDF, JPEG or PNG"):
        validate_document(SimpleUploadedFile("cert.pdf", b"GIF89a" + b"\0" * 100))
    with pytest.raises(ValidationError, match="must be a PDF"):
        validate_pdf(SimpleUploadedFile("a.pdf", b"\x89PNG not a pdf"))
    assert validate_document(upload(passport_photo(), "c.png", "PNG")) == "image/png"
