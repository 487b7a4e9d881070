"""The ECS Assessments pages: buying credits through an order, booking, the bookings list, cancelling, the result
letter; and who may open them (licence part 403, missing flag 403, another organisation or office 404)."""

import pytest
from django.test import Client
from django.utils.html import escape

from portal.assessments import selectors, services
from portal.assessments.models import Booking
from portal.orders.models import FundsLedgerEntry, Order
from portal.orders.services import funds_credit
from portal.organisations.permissions import ALL_FLAGS, Flag
from tests.conftest import sign_in
from tests.factories import OfficeFactory, OrganisationFactory, PortalUserFactory
from tests.factories_assessments import assessment_type, book, give_credits, sat_and_marked
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db
BASE = "/portal/assessments/"


def client_for(portal_user) -> Client:
    return sign_in(Client(), portal_user.user)


def without(*flags):
    return [flag for flag in ALL_FLAGS if flag not in flags]


# --- The overview and the menu ------------------------------------------------------------------------------------


def test_overview_shows_credits_for_hse_and_the_licensed_types(signed_in):
    organisation = OrganisationFactory(licence__assessment_types=["fire", "security"])
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    give_credits(organisation, "fire", 3)
    page = signed_in(user).get(BASE).text
    assert "HS&amp;E Assessment" in page and "Fire assessment" in page and "Security assessment" in page
    assert "Network Infrastructure" not in page
    assert 'data-credits="fire">3<' in page
    assert "cannot be changed after booking" in page


def test_the_menu_shows_ecs_assessments_only_with_the_licence_part(signed_in):
    licensed = PortalUserFactory(all_flags=True)
    assert 'href="/portal/assessments/"' in signed_in(licensed).get("/portal/").text
    unlicensed = PortalUserFactory(organisation=OrganisationFactory(licence__assessments=False), all_flags=True)
    page = sign_in(Client(), unlicensed.user).get("/portal/").text
    assert 'href="/portal/assessments/"' not in page
    assert 'href="/portal/employees/"' in page


# --- Scope: licence part, flags, organisation, office -------------------------------------------------------------


PAGES = ["", "credits/", "credits/buy/", "book/", "bookings/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_licence_without_assessments_is_refused(path):
    user = PortalUserFactory(organisation=OrganisationFactory(licence__assessments=False), all_flags=True)
    response = client_for(user).get(BASE + path)
    assert response.status_code == 403
    assert "does not include ECS Assessments" in response.text


def test_no_licence_at_all_is_refused():
    user = PortalUserFactory(organisation=OrganisationFactory(licence=False), all_flags=True)
    assert client_for(user).get(BASE).status_code == 403


@pytest.mark.parametrize(
    ("path", "missing"),
    [
        ("", (Flag.VIEW_PURCHASES, Flag.CREATE_PURCHASES, Flag.VIEW_APPLICATIONS, Flag.FILL_IN_APPLICATIONS)),
        ("credits/", (Flag.VIEW_PURCHASES,)),
        ("credits/buy/", (Flag.CREATE_PURCHASES,)),
        ("book/", (Flag.FILL_IN_APPLICATIONS,)),
        ("book/", (Flag.VIEW_EMPLOYEES,)),
        ("bookings/", (Flag.VIEW_APPLICATIONS,)),
    ],
)
def test_a_missing_flag_is_refused(organisation, path, missing):
    user = PortalUserFactory(organisation=organisation, flags=without(*missing))
    assert client_for(user).get(BASE + path).status_code == 403


def test_another_organisations_booking_is_not_found(primary_user):
    booking = book(primary_user)
    stranger = PortalUserFactory(all_flags=True)
    client = client_for(stranger)
    for path in ("", "cancel/", "letter/"):
        assert client.get(f"{BASE}bookings/{booking.pk}/{path}").status_code == 404
    assert client.post(f"{BASE}bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_another_offices_booking_is_not_found_and_not_listed(organisation, primary_user):
    cardiff, leeds = OfficeFactory(organisation=organisation), OfficeFactory(organisation=organisation)
    booking = book(primary_user, office=cardiff)
    leeds_user = PortalUserFactory(organisation=organisation, office=leeds, all_flags=True)
    client = client_for(leeds_user)
    assert client.get(f"{BASE}bookings/{booking.pk}/").status_code == 404
    assert booking.reference not in client.get(f"{BASE}bookings/").text
    cardiff_user = PortalUserFactory(organisation=organisation, office=cardiff, all_flags=True)
    assert client_for(cardiff_user).get(f"{BASE}bookings/{booking.pk}/").status_code == 200


def test_cancel_needs_the_booking_flag(organisation, primary_user):
    booking = book(primary_user)
    viewer = PortalUserFactory(organisation=organisation, flags=without(Flag.FILL_IN_APPLICATIONS))
    client = client_for(viewer)
    assert client.get(f"{BASE}bookings/{booking.pk}/").status_code == 200
    assert client.post(f"{BASE}bookings/{booking.pk}/cancel/").status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


# --- Buying credits -----------------------------------------------------------------------------------------------


def buy_data(user, **changes):
    data = {
        "assessment_type": assessment_type("hse").pk,
        "quantity": 2,
        "your_reference": "HS&E credits",
        "office": user.office_id,
        "billing_office": user.office_id,
        "accounts_contact": "Mr Accounts",
    }
    data.update(changes)
    return data


def test_buying_credits_makes_an_order_and_paying_from_funds_adds_them(portal_client, primary_user):
    organisation = primary_user.organisation
    funds_credit(organisation=organisation, amount_pence=25_000, kind=FundsLedgerEntry.Kind.ADVANCE_PAYMENT,
                 reference="T1")  # fmt: skip
    response = portal_client.post(BASE + "credits/buy/", buy_data(primary_user))
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/portal/orders/{order.pk}/pay/"
    page = portal_client.get(response.url).text
    assert "HS&amp;E Assessment credit" in page and "£84.00" in page
    response = portal_client.post(response.url, {"method": "funds"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    hse = assessment_type("hse")
    assert selectors.credit_balance(organisation=organisation, assessment_type=hse) == 2
    page = portal_client.get(BASE + "credits/").text
    assert 'data-credits="hse">2<' in page and f"Order {order.reference}" in page


def test_buying_an_unlicensed_type_is_refused_beside_the_field(signed_in):
    organisation = OrganisationFactory(licence__assessment_types=["fire"])
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    data = buy_data(user, assessment_type=assessment_type("security").pk)
    response = signed_in(user).post(BASE + "credits/buy/", data)
    assert response.status_code == 200
    assert "govuk-error-message" in response.text and not Order.objects.exists()


def test_buying_zero_credits_keeps_what_was_typed(portal_client, primary_user):
    response = portal_client.post(BASE + "credits/buy/", buy_data(primary_user, quantity=0))
    assert response.status_code == 200 and "Quantity of credits must be 1 or more" in response.text
    assert 'value="HS&amp;E credits"' in response.text and not Order.objects.exists()


# --- Booking ------------------------------------------------------------------------------------------------------


def book_data(employees, *, code="hse", consent=True, emails=None):
    data = {"assessment_type": assessment_type(code).pk, "employee": [e.pk for e in employees]}
    for i, employment in enumerate(employees):
        data[f"email_{employment.pk}"] = (emails or {}).get(i, f"delegate{i}@example.com")
        data[f"mobile_{employment.pk}"] = "+447700900123"
    if consent:
        data["consent"] = "on"
    return data


def test_booking_two_employees_uses_two_credits(portal_client, primary_user):
    organisation = primary_user.organisation
    give_credits(organisation, "hse", 3)
    employees = [EmploymentFactory(organisation=organisation) for _ in range(2)]
    page = portal_client.get(BASE + "book/").text
    assert "HS&amp;E Assessment (3 credits held)" in page
    assert escape(employees[0].operative.full_name) in page
    response = portal_client.post(BASE + "book/", book_data(employees))
    assert response.status_code == 302 and response.url == BASE + "bookings/"
    bookings = Booking.objects.order_by("pk")
    # Booked in the page's order (by name), each with the email typed beside that employee.
    assert {b.employment_id: b.delegate_email for b in bookings} == {
        employees[0].pk: "delegate0@example.com",
        employees[1].pk: "delegate1@example.com",
    }
    assert selectors.credit_balance(organisation=organisation, assessment_type=assessment_type()) == 1
    listing = portal_client.get(response.url).text
    for booking in bookings:
        assert booking.reference in listing
    assert "2 delegates booked for the HS&amp;E Assessment" in listing


def test_booking_without_credit_or_consent_or_email_says_why_and_keeps_the_input(portal_client, primary_user):
    organisation = primary_user.organisation
    employment = EmploymentFactory(organisation=organisation)
    response = portal_client.post(BASE + "book/", book_data([employment]))
    assert "you hold 0 credits" in response.text and "Buy credits first" in response.text
    assert 'value="delegate0@example.com"' in response.text
    give_credits(organisation, "hse", 1)
    response = portal_client.post(BASE + "book/", book_data([employment], consent=False))
    assert "Confirm that each employee has given their permission to be booked." in response.text
    response = portal_client.post(BASE + "book/", book_data([employment], emails={0: "not-an-email"}))
    assert "in the correct format" in response.text
    assert not Booking.objects.exists()


def test_booking_an_open_delegate_again_is_refused(portal_client, primary_user):
    first = book(primary_user)
    give_credits(primary_user.organisation, "hse", 1)
    response = portal_client.post(BASE + "book/", book_data([first.employment]))
    assert response.status_code == 200 and "already has an open booking for the HS&amp;E Assessment" in response.text
    assert Booking.objects.count() == 1


def test_an_employee_out_of_scope_cannot_be_ticked(portal_client, primary_user):
    give_credits(primary_user.organisation, "hse", 1)
    stranger = EmploymentFactory()
    response = portal_client.post(BASE + "book/", book_data([stranger]))
    assert response.status_code == 200 and not Booking.objects.exists()


def test_search_narrows_the_employees(portal_client, primary_user):
    organisation = primary_user.organisation
    EmploymentFactory(organisation=organisation, operative__last_name="Zebedee")
    EmploymentFactory(organisation=organisation, operative__last_name="Applewhite")
    page = portal_client.get(BASE + "book/?q=zeb").text
    assert "Zebedee" in page and "Applewhite" not in page


# --- The bookings, cancelling, the result -------------------------------------------------------------------------


def test_bookings_list_runs_constant_queries(portal_client, primary_user, django_assert_max_num_queries):
    for _ in range(3):
        book(primary_user)
    with django_assert_max_num_queries(10):
        first = portal_client.get(BASE + "bookings/")
    for _ in range(12):
        book(primary_user)
    with django_assert_max_num_queries(10):
        more = portal_client.get(BASE + "bookings/")
    assert first.status_code == more.status_code == 200
    assert more.text.count('data-booking-status="booked"') == 15


def test_bookings_filter_open_and_finished(portal_client, primary_user):
    open_booking = book(primary_user)
    cancelled = book(primary_user)
    services.booking_cancel(booking=cancelled, actor=primary_user.user)
    page = portal_client.get(BASE + "bookings/").text
    assert open_booking.reference in page and cancelled.reference not in page
    page = portal_client.get(BASE + "bookings/?show=ended").text
    assert cancelled.reference in page and open_booking.reference not in page


def test_cancel_confirms_then_returns_the_credit(portal_client, primary_user):
    booking = book(primary_user)
    page = portal_client.get(f"{BASE}bookings/{booking.pk}/cancel/").text
    assert f"Cancel booking {booking.reference}?" in page and "credit goes back" in page
    response = portal_client.post(f"{BASE}bookings/{booking.pk}/cancel/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    page = portal_client.get(response.url).text
    assert "the credit is returned" in page and "Cancel this booking" not in page
    assert selectors.credit_balance(organisation=primary_user.organisation, assessment_type=assessment_type()) == 1


def test_the_result_shows_with_its_letter(portal_client, primary_user):
    booking = book(primary_user)
    sat_and_marked(booking, passed=True, score=45)
    result = services.assessment_result_record(booking=booking)
    page = portal_client.get(f"{BASE}bookings/{booking.pk}/").text
    assert "Pass (90%)" in page and result.number in page and "Result letter (PDF)" in page
    assert result.number in portal_client.get(f"{BASE}bookings/?show=ended").text
    letter = portal_client.get(f"{BASE}bookings/{booking.pk}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")


def test_no_letter_before_a_result(portal_client, primary_user):
    booking = book(primary_user)
    assert portal_client.get(f"{BASE}bookings/{booking.pk}/letter/").status_code == 404


def test_results_show_on_the_employees_record(portal_client, primary_user):
    hse_booking, fire_booking = book(primary_user), book(primary_user, code="fire")
    for booking in (hse_booking, fire_booking):
        sat_and_marked(booking, passed=True, score=14)
    hse = services.assessment_result_record(booking=hse_booking)
    fire = services.assessment_result_record(booking=fire_booking)
    page = portal_client.get(f"/portal/employees/{hse_booking.employment.pk}/").text
    assert hse.number in page  # with the registry's HS&E results
    page = portal_client.get(f"/portal/employees/{fire_booking.employment.pk}/").text
    assert "Other ECS assessments" in page and fire.number in page and "Fire assessment" in page
    assert fire.expires_on.strftime("%d/%m/%Y") in page


def test_credits_and_booking_pages_run_constant_queries(portal_client, primary_user, django_assert_max_num_queries):
    organisation = primary_user.organisation

    def grow():
        for code in ("hse", "fire", "security"):
            give_credits(organisation, code, 2)
        for _ in range(4):
            book(primary_user)

    grow()
    with django_assert_max_num_queries(10):
        assert portal_client.get(BASE + "credits/").status_code == 200
    with django_assert_max_num_queries(14):
        assert portal_client.get(BASE + "book/").status_code == 200
    for _ in range(3):
        grow()
    with django_assert_max_num_queries(10):
        page = portal_client.get(BASE + "credits/").text
    assert page.count("Used for a booking") == 16
    with django_assert_max_num_queries(14):
        page = portal_client.get(BASE + "book/").text
    assert page.count('name="employee"') == 16


def test_book_from_the_employees_record(portal_client, primary_user):
    organisation = primary_user.organisation
    for _ in range(30):  # more than a page of employees
        EmploymentFactory(organisation=organisation, operative__last_name="Aaronson")
    employment = EmploymentFactory(organisation=organisation, operative__last_name="Zyskowski")
    open_booking = book(primary_user, employment=employment, code="fire")
    record = portal_client.get(f"/portal/employees/{employment.pk}/").text
    assert f'href="/portal/assessments/book/?employee={employment.pk}"' in record
    assert f"Fire assessment ({open_booking.reference})" in record and "booked" in record
    page = portal_client.get(f"/portal/assessments/book/?employee={employment.pk}").text
    assert f'value="{employment.pk}" id="employee-{employment.pk}" checked' in page


def test_no_booking_link_without_the_flag_or_for_a_former_employee(organisation, primary_user):
    viewer = PortalUserFactory(organisation=organisation, flags=without(Flag.FILL_IN_APPLICATIONS))
    employment = EmploymentFactory(organisation=organisation)
    assert "/portal/assessments/book/" not in client_for(viewer).get(f"/portal/employees/{employment.pk}/").text
    former = EmploymentFactory(organisation=organisation, left_on="2025-01-01")
    page = client_for(primary_user).get(f"/portal/employees/{former.pk}/").text
    assert "Other ECS assessments" in page and "/portal/assessments/book/?employee" not in page


def test_ticks_and_addresses_are_kept_across_pages_and_searches(portal_client, primary_user):
    organisation = primary_user.organisation
    give_credits(organisation, "hse", 2)
    first = EmploymentFactory(organisation=organisation, operative__last_name="Abbott")
    for _ in range(25):
        EmploymentFactory(organisation=organisation, operative__last_name="Middleton")
    last = EmploymentFactory(organisation=organisation, operative__last_name="Zeller")
    data = {"assessment_type": assessment_type().pk, "employee": [first.pk], f"email_{first.pk}": "abbott@example.com",
            "consent": "on", "go": "2"}  # fmt: skip
    page = portal_client.post(BASE + "book/", data).text
    assert "Page 2 of 2" in page and "govuk-error-summary" not in page and not Booking.objects.exists()
    assert f'id="employee-{first.pk}" checked' in page and 'value="abbott@example.com"' in page
    data = {**data, "go": "", "q": "zeller", "find": "1"}
    page = portal_client.post(BASE + "book/", data).text
    assert "Zeller" in page and "Middleton" not in page and f'id="employee-{first.pk}" checked' in page
    data = {"assessment_type": assessment_type().pk, "employee": [first.pk, last.pk], "consent": "on",
            f"email_{first.pk}": "abbott@example.com", f"email_{last.pk}": "zeller@example.com"}  # fmt: skip
    assert portal_client.post(BASE + "book/", data).status_code == 302
    assert {b.delegate_email for b in Booking.objects.all()} == {"abbott@example.com", "zeller@example.com"}
