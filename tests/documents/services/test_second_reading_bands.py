"""The second reading reads again only the bands of the page where a missing field may be."""

import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from portal.documents.ocr import Line, Word, _bands, _in_bands, _ocr_bands


def lines(*rows: tuple[str, float], gap: int = 100) -> list[Line]:
    """One Line per (text, confidence) row, `gap` pixels apart, each word 30 pixels high."""
    result = []
    for index, (row, conf) in enumerate(rows):
        words, left = [], 100
        for text in row.split():
            words.append(Word(text, conf, left, 100 + index * gap, 20 * len(text), 30))
            left += 20 * len(text) + 20
        result.append(Line(words))
    return result


PAGE = lines(
    ("City & Guilds", 95), ("This is to certify that", 95), ("Jeff Jones", 95), ("Level 3 Award", 95),
    ("in Electrical Installations", 95), ("Qualification 2382-22", 95), ("Presented by the centre", 95),
    ("Certificate number CE7O0 ~ ;", 30), ("Signed on behalf of", 95), ("the awarding body", 95),
    ("Chief Executive", 95), ("Regulated in England", 95), ("and Wales", 95), ("Northern Ireland", 95),
    ("Authenticity online", 95), ("End of page", 95), ("Page 1", 95), ("Footer", 95), ("Footer 2", 95),
    ("Footer 3", 95),
)  # fmt: skip


def test_a_missing_number_is_read_again_around_the_unsure_line_only():
    bands = _bands(PAGE, ["certificate_number"], 2200)
    assert bands and any(top <= 800 < bottom for top, bottom in bands)
    again = [line.text for line in PAGE if _in_bands(line, bands)]
    assert "Certificate number CE7O0 ~ ;" in again
    assert not {"Chief Executive", "Regulated in England", "Footer"} & set(again)
    assert "Qualification 2382-22" in again  # a line with digits, beside the unsure one


def test_a_label_of_a_missing_field_is_read_again_with_the_lines_under_it():
    # The name under "certify that" was not read at all the first time (large or decorated print): the band
    # reaches down to the next line read.
    page = [line for line in PAGE if line.text != "Jeff Jones"]
    bands = _bands(page, ["candidate_name"], 2200)
    label = next(line for line in page if "certify" in line.text)
    after = next(line for line in page if line.top > label.bottom)
    assert any(top <= label.top and after.top < bottom for top, bottom in bands)


def test_the_whole_page_is_read_again_when_the_body_or_qualification_is_missing_or_bands_cover_most_of_it():
    assert _bands(PAGE, ["awarding_body"], 2200) is None
    assert _bands(PAGE, ["qualification_code", "certificate_number"], 2200) is None
    unsure = lines(*[(f"word {i}", 20) for i in range(20)])
    assert _bands(unsure, ["certificate_number"], 2200) is None
    assert _bands([], ["certificate_number"], 2200) is None


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")
def test_words_read_in_bands_keep_their_place_on_the_page():
    page = Image.new("L", (1400, 1800), 255)
    draw = ImageDraw.Draw(page)
    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    for top, text in ((200, "Certificate number CG700111"), (900, "Awarded 12 March 2020"), (1500, "Footer")):
        draw.text((100, top), text, fill=0, font=face)
    read = _ocr_bands(page, [(150, 300), (850, 1000)], 11, 30.0)
    tops = {word.text: word.top for line in read for word in line.words}
    assert "Footer" not in tops
    assert abs(tops["CG700111"] - 200) < 20 and abs(tops["March"] - 900) < 20


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="make test installs poppler-utils")
def test_rows_of_a_pdf_page_drawn_alone_are_the_whole_pages_pixels_there(tmp_path):
    from PIL import ImageChops

    from portal.documents.ocr import _pdf_page

    page = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(page)
    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    for top, text in ((100, "Certificate number"), (400, "CG700111"), (700, "Footer")):
        draw.text((50, top), text, fill=(0, 0, 0), font=face)
    draw.ellipse((300, 350, 500, 500), outline=(30, 60, 200), width=8)  # a stamp over the number
    pdf = tmp_path / "in.pdf"
    page.save(pdf, "PDF", resolution=100)
    whole = _pdf_page(pdf, 150, 1, colour=True)
    rows = _pdf_page(pdf, 150, 1, colour=True, rows=(500, 800, whole.width))
    assert rows.size == (whole.width, 300)
    assert ImageChops.difference(whole.crop((0, 500, whole.width, 800)), rows).getbbox() is None
