"""The small things: terms served by the product, declaration and endorsement wording, the lockout page, history
lines with one full stop, the licensing case's manual check note."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from portal.accounts.models import SmsMessage
from portal.applications.views_processing import EndorseForm
from portal.licensing.models import LicenceApplication
from tests.accounts.pages.test_accounts import last_code, start
from tests.factories import PortalUserFactory

pytestmark = pytest.mark.django_db


def test_the_terms_are_served_and_linked_from_the_licence_form(client):
    page = client.get("/portal/terms/")
    assert page.status_code == 200 and "Terms and conditions" in page.text and "no refunds" in page.text
    licence_form = client.get("/apply/").text
    assert 'href="/portal/terms/"' in licence_form and 'ecscard.org.uk/"' not in licence_form


def test_the_declaration_links_the_terms(portal_client, primary_user):
    from portal.applications.models import CardApplication
    from tests.stripe_fixtures import finalised_application

    application = finalised_application(portal_user=primary_user)
    CardApplication.objects.filter(pk=application.pk).update(
        status=CardApplication.Status.IN_PROGRESS, finalised_at=None, finalised_by=None
    )
    page = portal_client.get(f"/portal/applications/{application.pk}/finalise/").text
    assert 'href="/portal/terms/"' in page and "https://www.ecscard.org.uk/" not in page


def test_the_employee_declaration_points_to_the_date_above_it(portal_client):
    from datetime import date

    from tests.factories_registry import CardFactory, OperativeFactory

    operative = OperativeFactory(ni_number="AB123456C", date_of_birth=date(1980, 2, 3))
    CardFactory(operative=operative, number="12345678")
    portal_client.post("/portal/employees/add/", {"ni_number": "AB123456C", "date_of_birth": "1980-02-03",
                                                  "card_number": "12345678"})  # fmt: skip
    page = portal_client.get("/portal/employees/add/confirm/").text
    assert "on the date given above" in page and "given below" not in page
    assert page.index("Started work on") < page.index("on the date given above")


def test_the_reason_to_decline_is_not_called_optional():
    html = render_to_string("includes/field.html", {"field": EndorseForm()["reason"]})
    assert "Why you decline" in html and "(optional)" not in html and "Required if you decline" in html


def test_history_lines_have_one_full_stop():
    line = Template("{% load sentences %}{{ what|one_full_stop }}").render(
        Context({"what": "Put on hold: the photo is blurred.."})
    )
    assert line == "Put on hold: the photo is blurred."


def test_history_lines_are_recorded_with_one_full_stop(primary_user):
    from portal.applications.models import ApplicationEvent
    from portal.applications.services import card_application_record_event
    from tests.factories_applications import start_application
    from tests.factories_registry import EmploymentFactory

    employment = EmploymentFactory(organisation=primary_user.organisation, office=primary_user.office)
    application = start_application(portal_user=primary_user, employment=employment)
    card_application_record_event(application, what="Put on hold: the photo is blurred..", actor=primary_user.user)
    assert ApplicationEvent.objects.filter(application=application).last().what == "Put on hold: the photo is blurred."


def test_the_lockout_page_does_not_say_a_code_was_sent(client):
    user = PortalUserFactory().user
    start(client, user)
    wrong = "123456" if last_code(user) != "123456" else "654321"
    for _ in range(5):
        client.post("/accounts/sign-in/code/", {"code": wrong})
    sent = SmsMessage.objects.count()
    page = client.get("/accounts/sign-in/code/").text
    assert "Sign-in is locked" in page and "No code is sent while sign-in is locked" in page
    assert "We have sent a 6-digit code" not in page
    assert SmsMessage.objects.count() == sent


def test_a_manual_check_note_is_not_an_automated_finding():
    application = LicenceApplication(
        reference="L1", organisation_name="Sparks", findings={
            "duplicates": {"ok": True, "summary": "No other application from this organisation."},
            "manual": {"ok": True, "summary": "Rang the director: accounts confirmed."},
        },
    )  # fmt: skip
    html = render_to_string("licensing/backoffice/_case.html", {"application": application, "events": []})
    automated = html[html.index("Automated findings") : html.index("Checked by hand")]
    assert "Rang the director" not in automated and "No other application" in automated
    assert "Rang the director: accounts confirmed." in html[html.index("Checked by hand") :]


def test_duplicate_office_names_in_one_parent_are_refused(portal_client, primary_user):
    from portal.organisations.models import Office

    head = primary_user.organisation.head_office
    add = {"name": "Leeds Office", "kind": "office", "parent": head.pk, "postcode": "LS1 4AP"}
    assert portal_client.post("/portal/organisation/groups/add/", add).status_code == 302
    again = portal_client.post("/portal/organisation/groups/add/", {**add, "name": " leeds office "})
    assert again.status_code == 200 and "already has an office called leeds office" in again.text
    portal_client.post("/portal/organisation/groups/add/", {**add, "name": "York Office"})
    york = Office.objects.get(name="York Office")
    renamed = portal_client.post(f"/portal/organisation/groups/{york.pk}/", {"name": "Leeds Office", "postcode": ""})
    assert renamed.status_code == 200 and "already has an office called Leeds Office" in renamed.text
    assert Office.objects.filter(parent=head, name__iexact="leeds office").count() == 1


def test_an_office_move_of_an_employee_is_kept_in_their_history(portal_client, primary_user):
    from portal.employees.models import Employment, OfficeMove
    from portal.organisations import services as org_services
    from tests.factories_registry import EmploymentFactory

    head = primary_user.organisation.head_office
    leeds = org_services.office_create(organisation=primary_user.organisation, parent=head, name="Leeds Office")
    employment = EmploymentFactory(organisation=primary_user.organisation, office=head)
    portal_client.post(f"/portal/employees/{employment.pk}/office/", {"office": leeds.pk})
    assert Employment.objects.get(pk=employment.pk).office == leeds
    move = OfficeMove.objects.get(employment=employment)
    assert (move.from_office, move.to_office, move.moved_by) == (head, leeds, primary_user.user)
    page = portal_client.get(f"/portal/employees/{employment.pk}/").text
    assert "Moves between offices" in page and move.moved_at.strftime("%d/%m/%Y") in page
    # Moving to the office they are at records nothing.
    portal_client.post(f"/portal/employees/{employment.pk}/office/", {"office": leeds.pk})
    assert OfficeMove.objects.filter(employment=employment).count() == 1


def test_bacs_instructions_give_the_bank_details_from_the_settings(portal_client, primary_user, settings):
    from tests.orders.flows.test_bacs import advance

    order = advance(primary_user)
    settings.BACS_ACCOUNT_NAME, settings.BACS_SORT_CODE, settings.BACS_ACCOUNT_NUMBER = (
        "JIB ECS",
        "40-11-62",
        "71234567",
    )
    page = portal_client.get(f"/portal/orders/{order.pk}/").text
    assert "Marked for BACS allocation" in page
    for shown in ("JIB ECS", "40-11-62", "71234567", order.reference):
        assert shown in page
    settings.BACS_ACCOUNT_NUMBER = ""
    page = portal_client.get(f"/portal/orders/{order.pk}/").text
    assert "40-11-62" not in page and "ask the JIB's finance department" in page


def test_a_receipt_has_column_headings_the_jib_address_and_vat_number(primary_user, settings):
    from pypdf import PdfReader

    from portal.orders import services
    from portal.orders.models import Payment
    from portal.orders.receipts import receipt_pdf
    from tests.factories_orders import make_order
    from tests.stripe_fixtures import finalised_application

    settings.JIB_VAT_NUMBER = "GB 123 4567 89"
    services.funds_credit(organisation=primary_user.organisation, amount_pence=25_000, kind="advance_payment",
                          reference="A")  # fmt: skip
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    services.order_pay_from_funds(order=order, portal_user=primary_user)
    import io

    text = PdfReader(io.BytesIO(receipt_pdf(payment=Payment.objects.get(order=order)))).pages[0].extract_text()
    for shown in ("Qty", "Item", "Each", "Total", "Kingswood House", "VAT registration number: GB 123 4567 89"):
        assert shown in text
