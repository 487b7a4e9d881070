"""Real tesseract on certificates in layouts unlike the sandbox's own: labels before and after values, "Surname,
First", numeric dates, a photo taken by phone, a certificate on the second page of a PDF."""

import random
import shutil
from dataclasses import replace
from datetime import date

import pytest

from bench.certificate_layouts import render_case
from bench.ocr_bench import seeded_hints
from portal.documents.ocr import certificate_read
from sandboxes.certificates import CERTIFICATES

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="make test installs tesseract-ocr")
FIELDS = ["awarding_body", "candidate_name", "qualification_code", "qualification_title", "certificate_number"]


def record(number: str) -> dict:
    return next(c for c in CERTIFICATES if c["certificate_number"] == number)


def hints_for(person: dict):
    return replace(seeded_hints(), first_name=person["candidate_first_name"], last_name=person["candidate_last_name"],
                   date_of_birth=date.fromisoformat(person["date_of_birth"]))  # fmt: skip


@pytest.mark.parametrize(
    ("layout", "condition", "chosen"),
    [
        ("two-column", "scan-jpeg", {"family": "liberation-sans", "date_style": "%d/%m/%Y"}),
        ("labels-after", "phone-photo", {"family": "dejavu-serif", "date_style": "ordinal", "name_style": "caps"}),
        ("cover-then-certificate", "pdf", {"family": "liberation-serif", "date_style": "%d-%m-%Y"}),
    ],
)
def test_fields_are_read_whatever_the_layout(layout, condition, chosen):
    cert = record("EAL700555")
    data, content_type, truth, _ = render_case(cert, layout, random.Random(7), condition=condition, **chosen)
    reading = certificate_read(data=data, content_type=content_type, hints=hints_for(cert))
    assert {f: getattr(reading, f) for f in FIELDS} == {f: truth[f] for f in FIELDS}
    assert reading.date_awarded == date(2020, 3, 12)


def test_another_persons_certificate_is_read_as_theirs():
    dylan, jeff = record("CG700074"), record("CG700037")
    data, content_type, _, _ = render_case(dylan, "classic", random.Random(3), condition="png", name_style="plain",
                                           family="dejavu-sans")  # fmt: skip
    reading = certificate_read(data=data, content_type=content_type, hints=hints_for(jeff))
    assert reading.candidate_name == "Dylan Davies"
    assert reading.certificate_number == "CG700074"


def test_month_and_year_only():
    cert = record("NOC701369")
    data, content_type, truth, _ = render_case(cert, "month-year", random.Random(5), condition="png",
                                               family="liberation-sans")  # fmt: skip
    reading = certificate_read(data=data, content_type=content_type, hints=hints_for(cert))
    assert reading.date_awarded is None and reading.month_awarded == truth["month_awarded"]
