"""The photo guidance on generated photos: shoulders reaching the frame are normal; a tiny photo is refused for its
size alone."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageEnhance

from portal.documents.photo import photo_check


def photo(size=(700, 900), shoulders=(0.0, 1.0), background=(235, 235, 235)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((w * shoulders[0], h * 0.72, w * shoulders[1], h), fill=(40, 50, 90))
    draw.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.72), fill=(224, 172, 140))
    draw.ellipse((w * 0.28, h * 0.1, w * 0.72, h * 0.3), fill=(60, 40, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_shoulders_reaching_the_frame_edges_pass():
    assert photo_check(photo(shoulders=(0.0, 1.0))).reasons == []


def test_a_dark_background_is_still_refused():
    reasons = photo_check(photo(background=(40, 40, 50))).reasons
    assert any("background must be plain" in r for r in reasons)


def test_a_tiny_photo_is_refused_for_its_size_alone():
    reasons = photo_check(photo(size=(140, 180))).reasons
    assert len(reasons) == 1 and "too small" in reasons[0]


def test_a_burnt_out_face_is_refused():
    image = Image.open(photo()).convert("RGB")
    buffer = io.BytesIO()
    ImageEnhance.Brightness(image).enhance(2.6).save(buffer, "JPEG")
    reasons = photo_check(SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")).reasons
    assert any("too bright" in r for r in reasons)
