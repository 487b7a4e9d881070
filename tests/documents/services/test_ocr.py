"""Real tesseract on generated certificates: a straight PNG, a rotated blurred JPEG, and a PDF."""

import shutil
from datetime import date

import pytest

from portal.documents.ocr import certificate_read, reading_compare
from sandboxes.certificates import CERTIFICATES, as_bytes, degrade, render

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")


def record_of(body):
    return next(r for r in CERTIFICATES if r["awarding_body"] == body)


@pytest.mark.parametrize(
    ("body", "kind", "dpi", "angle", "blur"),
    [("city-and-guilds", "png", 300, 0, 0), ("eal", "jpeg", 200, 4.0, 1.0), ("nocn", "pdf", 150, -3.0, 0.5)],
)
def test_fields_are_read(body, kind, dpi, angle, blur):
    record = record_of(body)
    data = as_bytes(degrade(render(record, dpi=dpi), angle=angle, blur=blur), kind=kind, quality=40, dpi=dpi)
    reading = certificate_read(data=data, content_type="application/pdf" if kind == "pdf" else f"image/{kind}")
    assert reading.readable
    assert reading.awarding_body == body
    assert reading.candidate_name == f"{record['candidate_first_name']} {record['candidate_last_name']}"
    assert reading.certificate_number == record["certificate_number"]
    assert reading.qualification_code == record["qualification_code"]
    assert reading.date_awarded == date.fromisoformat(record["date_awarded"])
    # NOCN's certificates print the learner's ULN; the others' print none.
    assert reading.learner_reference == record.get("learner_reference", "")
    assert reading_compare(reading, first_name=record["candidate_first_name"],
                           last_name=record["candidate_last_name"]) == {}  # fmt: skip
    assert "name" in reading_compare(reading, first_name="Someone", last_name="Else")


def test_a_blank_page_is_not_readable():
    from PIL import Image

    reading = certificate_read(
        data=as_bytes(Image.new("RGB", (1240, 1754), "white"), kind="png"), content_type="image/png"
    )
    assert not reading.readable and reading.certificate_number == ""


def test_garbage_is_not_readable():
    assert not certificate_read(data=b"not an image at all", content_type="image/jpeg").readable
