"""Forms keep what was given: the licence form holds a chosen accounts PDF across another mistake; error summaries
name the field; no Django default wording."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.licensing.models import LicenceApplication
from tests.licence_helpers import VALID
from tests.licensing.flows.test_licence_flow import MINIMAL_PDF

pytestmark = pytest.mark.django_db
NON_MEMBER = {**VALID, "jib_membership_number": "", "companies_house_number": "02345678"}


def summary(page: str) -> list[str]:
    box = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>(.*?)</li>", box, re.S)]


def test_the_accounts_pdf_is_held_after_another_mistake(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    accounts = SimpleUploadedFile("northern-accounts-2025.pdf", MINIMAL_PDF, "application/pdf")
    page = client.post("/apply/", {**NON_MEMBER, "postcode": "XX1", "accounts": accounts}).text
    assert "Postcode: enter a real UK postcode" in summary(page)[0]
    assert "We are holding the accounts file you chose: <strong>northern-accounts-2025.pdf</strong>" in page
    assert "Non-members must upload" not in page
    # The next try sends no file: the held one is used.
    answer = client.post("/apply/", NON_MEMBER)
    assert answer.status_code == 302, summary(answer.text)
    application = LicenceApplication.objects.get()
    with application.accounts.open("rb") as stored:
        assert stored.read() == MINIMAL_PDF
    assert not list((tmp_path / "held" / "licence-accounts").iterdir())  # the held copy is gone


def test_a_bad_file_is_not_held(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("accounts.pdf", b"\x89PNG not a pdf", "application/pdf")
    page = client.post("/apply/", {**NON_MEMBER, "accounts": fake}).text
    assert "The accounts file must be a PDF" in page and "We are holding" not in page
    page = client.post("/apply/", NON_MEMBER).text
    assert "Non-members must upload" in page


def test_a_fresh_form_drops_a_held_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    accounts = SimpleUploadedFile("a.pdf", MINIMAL_PDF, "application/pdf")
    client.post("/apply/", {**NON_MEMBER, "postcode": "XX1", "accounts": accounts})
    assert "We are holding" not in client.get("/apply/").text
    assert "Non-members must upload" in client.post("/apply/", NON_MEMBER).text


def test_an_empty_form_names_each_field_and_never_uses_djangos_wording(client):
    page = client.post("/apply/", {"postcode": ""}).text
    lines = summary(page)
    assert len(lines) > 10
    assert "Enter postcode" in lines and "Enter organisation title / business name" in lines
    for default in ("This field is required", "Enter a valid", "Select a valid choice", "Ensure this value"):
        assert default not in page
    assert len(set(lines)) == len(lines)
