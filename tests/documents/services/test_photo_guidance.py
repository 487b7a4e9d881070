"""The photo guidance on generated photos: shoulders and a head covering reaching the frame are normal; a tiny photo
is refused for its size alone; an over-bright face of any skin tone and an enlarged small photo are refused."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageEnhance

from portal.documents.photo import photo_check


def drawn(size=(700, 900), shoulders=(0.0, 1.0), background=(235, 235, 235), skin=(224, 172, 140), covering=None):
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((w * shoulders[0], h * 0.72, w * shoulders[1], h), fill=(40, 50, 90))
    if covering:  # a head covering down to the shoulders, reaching the frame's sides
        draw.rounded_rectangle((w * 0.02, h * 0.06, w * 0.98, h * 0.8), radius=int(w * 0.3), fill=covering)
    draw.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.72), fill=skin)
    if not covering:
        draw.ellipse((w * 0.28, h * 0.1, w * 0.72, h * 0.3), fill=(60, 40, 30))
    for x in (0.42, 0.58):
        draw.ellipse((w * (x - 0.02), h * 0.38, w * (x + 0.02), h * 0.4), fill=(40, 30, 30))
    draw.line((w * 0.42, h * 0.6, w * 0.58, h * 0.6), fill=(150, 60, 60), width=6)
    return image


def upload(image) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def photo(**kwargs) -> SimpleUploadedFile:
    return upload(drawn(**kwargs))


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


def test_an_over_bright_photo_of_a_dark_skinned_face_is_refused():
    """Lit too brightly, a darker skin is not clipped to white, but it no longer reads as skin."""
    image = ImageEnhance.Brightness(drawn(skin=(160, 110, 80))).enhance(2.5)
    reasons = photo_check(upload(image)).reasons
    assert any("too bright" in r for r in reasons)


def test_a_dark_skinned_face_lit_normally_passes():
    assert photo_check(photo(skin=(84, 56, 40))).reasons == []


def test_a_head_covering_reaching_the_frame_sides_passes():
    assert photo_check(photo(covering=(30, 70, 110))).reasons == []


def test_a_small_photo_enlarged_is_refused_as_blurred():
    """Enlarged five times, a photo keeps strong edges (glasses, hair on a light background) but only soft ones."""
    image = drawn()
    draw = ImageDraw.Draw(image)
    for x in (0.42, 0.58):
        draw.ellipse((700 * (x - 0.06), 900 * 0.35, 700 * (x + 0.06), 900 * 0.43), outline=(20, 20, 20), width=6)
    image = Image.blend(image, Image.effect_noise(image.size, 5).convert("RGB"), 0.04)
    assert photo_check(upload(image)).reasons == []
    enlarged = image.resize((140, 180), Image.BILINEAR).resize((700, 900), Image.BICUBIC)
    assert any("blurred" in r for r in photo_check(upload(enlarged)).reasons)


def test_a_busy_background_in_the_top_corners_is_refused():
    image = drawn()
    draw = ImageDraw.Draw(image)
    for x in range(0, 700, 20):
        draw.rectangle((x, 0, x + 10, 120), fill=(30, 90, 160))
    assert any("background must be plain" in r for r in photo_check(upload(image)).reasons)


def test_a_medium_dark_face_lit_twice_too_brightly_is_refused_by_its_eyes():
    """By colour, a medium-dark face lit about twice too brightly reads as a fair face on white (red clipped, green
    not, still skin-toned); its eyes and brows, the darkest detail of any face, have turned grey."""
    image = ImageEnhance.Brightness(drawn(skin=(160, 110, 80), background=(245, 245, 245))).enhance(2.1)
    reasons = photo_check(upload(image)).reasons
    assert any("too bright" in r for r in reasons)


def test_a_fair_face_lit_brightly_keeps_dark_eyes_and_passes():
    image = ImageEnhance.Brightness(drawn(skin=(246, 214, 190), background=(245, 245, 245))).enhance(1.15)
    assert photo_check(upload(image)).reasons == []


def test_a_side_light_darkening_a_top_corner_is_not_a_dark_background():
    """A light grey background whose top corner lies in a side light's shadow (darkened by almost a third: its mean
    grey level about 139, under the 150 once asked of each corner)."""
    image = drawn(skin=(84, 56, 40), background=(214, 216, 218))
    ramp = Image.linear_gradient("L").rotate(90).resize(image.size).point(lambda v: int(v * 0.3))
    image = Image.composite(Image.new("RGB", image.size, (0, 0, 0)), image, ramp)
    assert photo_check(upload(ImageEnhance.Brightness(image).enhance(0.9))).reasons == []


def test_a_white_shirt_below_a_small_head_is_not_a_burnt_out_face():
    """A small head leaves the middle of the photo to a white shirt: white there is not an over-exposed face."""
    image = Image.new("RGB", (800, 1028), (220, 230, 240))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((180, 500, 660, 1100), radius=90, fill=(252, 252, 252))
    draw.ellipse((240, 130, 600, 540), fill=(232, 180, 146))
    draw.ellipse((250, 95, 590, 255), fill=(243, 189, 153))  # no hair
    for x in (347, 490):
        draw.ellipse((x - 15, 307, x + 15, 327), fill=(40, 30, 30))
    draw.line((365, 452, 473, 452), fill=(150, 60, 60), width=6)
    assert photo_check(upload(ImageEnhance.Brightness(image).enhance(1.06))).reasons == []
