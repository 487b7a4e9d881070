"""Coloured ink dropped out for the second reading: a blue or red stamp, a blue signature across black print."""

import io
import random
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from portal.documents import ocr
from portal.documents.ocr import _dropout, _evened, _has_colour, certificate_read
from sandboxes.certificates import CERTIFICATES, as_bytes, render


def pixel(colour, over=(255, 255, 255), alpha=1.0):
    """The grey level the dropout gives a pixel of `colour` laid with `alpha` over `over`."""
    mixed = tuple(round(c * alpha + o * (1 - alpha)) for c, o in zip(colour, over, strict=True))
    return _dropout(Image.new("RGB", (4, 4), mixed)).getpixel((1, 1))


def test_black_and_grey_print_are_kept():
    assert pixel((0, 0, 0)) == 0
    assert pixel((20, 20, 20)) == 20
    assert pixel((128, 128, 128)) == 128
    assert pixel((255, 255, 255)) == 255


def test_a_light_stamp_over_paper_goes_to_white_but_black_under_it_stays_dark():
    blue_stamp, red_stamp = (40, 60, 160), (190, 30, 40)
    assert pixel(blue_stamp, alpha=0.35) >= 250
    assert pixel(red_stamp, alpha=0.35) >= 250
    assert pixel(blue_stamp, over=(0, 0, 0), alpha=0.35) <= 150
    assert pixel(red_stamp, over=(0, 0, 0), alpha=0.35) <= 150


def test_solid_coloured_ink_is_lifted_above_the_binarising_threshold():
    for ink in ((25, 35, 110), (20, 40, 200), (200, 20, 20), (0, 110, 60)):
        assert pixel(ink) > 255 - 40, ink  # _evened counts as ink what is more than 40 levels under its paper


def test_a_page_has_colour_only_with_coloured_ink():
    assert not _has_colour(Image.new("L", (600, 800), 255))
    plain = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(plain).text((50, 50), "Certificate No: CG123456", fill=(10, 10, 10))
    assert not _has_colour(plain)
    ImageDraw.Draw(plain).line([(50, 300), (550, 340)], fill=(25, 35, 110), width=12)
    assert _has_colour(plain)


def stamped(record, seed=3):
    """A certificate with a pale blue stamp and a dark blue signature across its code, number and date."""
    page = render(record).convert("RGBA")
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rounded_rectangle((280, 1540, 2000, 2020), 40, outline=(40, 60, 160, 110), width=16)
    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 170)
    draw.text((1140, 1780), "COPY", fill=(40, 60, 160, 110), font=face, anchor="mm")
    page.alpha_composite(layer)
    rng, points, x = random.Random(seed), [], 450
    while x < 1700:
        points.append((x, 1740 + rng.randint(-70, 70)))
        x += rng.randint(20, 40)
    ImageDraw.Draw(page).line(points, fill=(25, 35, 110, 255), width=7, joint="curve")
    return page.convert("RGB")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")
def test_print_under_a_stamp_and_signature_is_read_on_the_second_reading(monkeypatch):
    record = next(r for r in CERTIFICATES if r["awarding_body"] == "city-and-guilds")
    data = as_bytes(stamped(record), kind="png")
    reading = certificate_read(data=data, content_type="image/png")
    assert reading.certificate_number == record["certificate_number"]

    # Without the dropout (the second reading on the grey page) the number is lost under the ink.
    monkeypatch.setattr(ocr, "_has_colour", lambda image: False)
    assert certificate_read(data=data, content_type="image/png").certificate_number == ""


def test_the_binarised_dropout_keeps_black_print_and_loses_the_stamp():
    page = Image.new("RGB", (400, 200), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((100, 80, 300, 120), fill=(0, 0, 0))  # black print
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).rectangle((0, 0, 400, 200), fill=(40, 60, 160, 90))  # a pale stamp over all of it
    page = Image.alpha_composite(page.convert("RGBA"), layer).convert("RGB")
    binary = _evened(_dropout(page))
    assert binary.getpixel((200, 100)) == 0  # the print is ink
    assert binary.getpixel((30, 30)) == 255  # the stamp is paper


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")
def test_a_straight_pdf_is_drawn_again_in_colour_only_where_it_is_read_again(monkeypatch):
    record = next(r for r in CERTIFICATES if r["awarding_body"] == "city-and-guilds")
    out = io.BytesIO()
    stamped(record).save(out, "PDF", resolution=300)
    drawn, draw = [], ocr._pdf_page

    def recorded(pdf, dpi, number, *, colour=False, rows=None):
        page = draw(pdf, dpi, number, colour=colour, rows=rows)
        drawn.append((colour, rows, page.size if page else None))
        return page

    monkeypatch.setattr(ocr, "_pdf_page", recorded)
    reading = certificate_read(data=out.getvalue(), content_type="application/pdf")
    assert reading.awarding_body == record["awarding_body"] and reading.missing()  # read a second time
    whole = drawn[0][2]
    in_colour = [(rows, size) for colour, rows, size in drawn if colour and size[0] == whole[0]]
    assert in_colour and all(rows and size[1] < whole[1] for rows, size in in_colour)
