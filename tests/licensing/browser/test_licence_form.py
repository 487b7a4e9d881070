"""An applicant fills the public licence form with mistakes, sees each error beside its field, corrects, submits."""

import re
from datetime import date

from playwright.sync_api import expect

from portal.licensing.models import LicenceApplication
from tests.browser_fixtures import axe_check


def test_public_licence_form_with_mistakes_then_corrected(page, settings):
    settings.ECS_RUN_JOBS_INLINE = False  # the automated checks are not part of this journey
    page.goto("/apply/")
    axe_check(page)
    page.get_by_label("Organisation title / business name").fill("Volt Masters Ltd")
    page.get_by_label("Main address").fill("1 Ohm Road\nDerby")
    page.get_by_label("Postcode").fill("NOT A POSTCODE")
    page.get_by_label("Main telephone number").fill("123")
    page.get_by_label("Email for updates about this application").fill("boss@voltmasters.example")
    page.get_by_label("Number of directly employed operatives").fill("14")
    page.get_by_label("ECS Employer Portal").check()
    page.get_by_label("Companies House registration number").fill("ABC")
    page.get_by_label("Name of signatory").fill("Vera Volt")
    page.get_by_label("Job title").fill("Director")
    page.get_by_label("Director", exact=True).check()
    page.get_by_label("Date", exact=True).fill(date.today().isoformat())
    page.get_by_label("Forename").fill("Max")
    page.get_by_label("Surname").fill("Amp")
    page.get_by_label("Email", exact=True).fill("max.amp@voltmasters.example")
    page.get_by_label("Mobile phone number").fill("0161 496 0000")  # a landline
    page.get_by_role("button", name="Send the application").click()

    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#group-id_postcode .govuk-error-message")).to_contain_text("Enter a real UK postcode")
    expect(page.locator("#group-id_telephone .govuk-error-message")).to_contain_text("real telephone number")
    expect(page.locator("#group-id_companies_house_number .govuk-error-message")).to_contain_text("8 characters")
    expect(page.locator("#group-id_accounts .govuk-error-message")).to_contain_text("Non-members must upload")
    expect(page.locator("#group-id_primary_mobile .govuk-error-message")).to_contain_text("mobile phone number")
    expect(page.locator("#group-id_terms_accepted .govuk-error-message")).to_contain_text("terms and conditions")
    # What was typed is kept.
    expect(page.get_by_label("Organisation title / business name")).to_have_value("Volt Masters Ltd")
    axe_check(page)

    page.get_by_label("Postcode").fill("DE1 2AA")
    page.get_by_label("Main telephone number").fill("01332 496000")
    page.get_by_label("Companies House registration number").fill("N/A")
    page.get_by_label("Mobile phone number").fill("07700 123456")
    page.get_by_label("Last financial year's consolidated accounts").set_input_files(
        files=[{"name": "accounts.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    page.get_by_label(re.compile("I, the undersigned")).check()
    page.get_by_role("button", name="Send the application").click()

    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()
    application = LicenceApplication.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(application.reference)
    assert application.postcode == "DE1 2AA" and application.primary_mobile == "+447700123456"
    assert application.companies_house_number == "N/A" and application.accounts
    axe_check(page)


def _pdf() -> bytes:
    from tests.licensing.flows.test_licence_flow import make_pdf

    return make_pdf("Volt Masters accounts")
