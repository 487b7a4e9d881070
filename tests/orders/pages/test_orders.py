"""The order pages: adding finalised applications, each order action, prices on the lines, paying from funds and
by BACS, the lists, receipts, and who may do what."""

import pytest

from portal.applications.models import CardApplication
from portal.orders import selectors, services
from portal.orders.models import Order, OrderLine, Payment
from portal.orders.selectors import order_totals
from tests.conftest import sign_in
from tests.factories import OfficeFactory, PortalUserFactory
from tests.factories_orders import make_order
from tests.stripe_fixtures import finalised_application

pytestmark = pytest.mark.django_db
Status = CardApplication.Status
ADD = "/portal/orders/add-applications/"


def query(applications) -> str:
    return "?" + "&".join(f"application={a.pk}" for a in applications)


def new_order_data(office, action="pay_later", **changes):
    data = {
        "order": "new",
        "action": action,
        "new-your_reference": "Initial Application JJ",
        "new-office": office.pk,
        "new-billing_office": office.pk,
        "new-deliver_to": office.pk,
        "new-accounts_contact": "Mr Accounts",
        "new-delivery_attention": "Ms Cards",
    }
    data.update(changes)
    return data


def post_new_order(client, applications, office, **kwargs):
    data = new_order_data(office, **kwargs)
    data["application"] = [a.pk for a in applications]
    return client.post(ADD, data)


# --- Adding applications -----------------------------------------------------------------------------------------


def test_the_page_shows_the_chosen_applications_and_no_pending_orders(portal_client, primary_user):
    applications = [finalised_application(portal_user=primary_user) for _ in range(2)]
    page = portal_client.get(ADD + query(applications)).text
    assert "Select Order to add selected Applications to?" in page
    assert "There are no pending orders available" in page
    assert "+ CREATE A NEW ORDER" in page
    for label in ("CLOSE ORDER &amp; PROCEED TO PAYMENT", "CLOSE ORDER BUT PAY LATER",
                  "ADD APPLICATIONS BUT LEAVE ORDER OPEN", "X CANCEL"):  # fmt: skip
        assert label in page
    for application in applications:
        assert application.reference in page
    assert "£30.00" in page and "JIB member discount £6.00" in page


def test_create_new_order_close_and_pay_later(portal_client, primary_user):
    applications = [finalised_application(portal_user=primary_user) for _ in range(2)]
    response = post_new_order(portal_client, applications, primary_user.office, action="pay_later")
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/portal/orders/{order.pk}/"
    assert order.status == Order.Status.AWAITING_PAYMENT and order.closed_at is not None
    assert (order.your_reference, order.accounts_contact, order.delivery_attention) == (
        "Initial Application JJ", "Mr Accounts", "Ms Cards")  # fmt: skip
    assert order.reference.startswith("ECS") and len(order.reference) == 10 and order.reference[3:].isdigit()
    assert {a.status for a in CardApplication.objects.all()} == {Status.ORDERED}
    assert order_totals(order=order).total_pence == 6_000  # two member-priced craft cards at £30.00
    page = portal_client.get(response.url).text
    assert "Initial Application JJ" in page and "£60.00" in page and "Pay for this order" in page


def test_close_and_proceed_to_payment_goes_to_the_payment_page(portal_client, primary_user):
    application = finalised_application(portal_user=primary_user)
    response = post_new_order(portal_client, [application], primary_user.office, action="pay_now")
    order = Order.objects.get()
    assert response.url == f"/portal/orders/{order.pk}/pay/"
    page = portal_client.get(response.url).text
    assert f"Confirm Pay For Order {order.your_reference}?" in page
    assert "I wish to pay by" in page and "Credit or debit card" in page
    assert "BACS bank transfer is available for orders of £250.00 or more." in page


def test_add_to_an_open_order_and_leave_it_open(portal_client, primary_user):
    first = finalised_application(portal_user=primary_user)
    post_new_order(portal_client, [first], primary_user.office, action="leave_open")
    order = Order.objects.get()
    assert order.status == Order.Status.OPEN
    second = finalised_application(portal_user=primary_user)
    page = portal_client.get(ADD + query([second])).text
    assert "There are no pending orders available" not in page and order.your_reference in page
    response = portal_client.post(ADD, {"application": [second.pk], "order": order.pk, "action": "leave_open"})
    assert response.status_code == 302
    assert order.lines.filter(live=True).count() == 2
    order.refresh_from_db()
    assert order.status == Order.Status.OPEN


def test_bad_new_order_details_are_shown_and_nothing_is_saved(portal_client, primary_user):
    application = finalised_application(portal_user=primary_user)
    response = post_new_order(portal_client, [application], primary_user.office, **{"new-your_reference": ""})
    assert response.status_code == 200
    assert "govuk-error-message" in response.text and "Enter your reference / P.O. number" in response.text
    assert not Order.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.FINALISED
    response = portal_client.post(ADD, {"application": [application.pk], "action": "pay_later"})
    assert "Select the order to add the applications to, or create a new order." in response.text


def test_cancel_releases_the_applications_to_be_ordered_again(portal_client, primary_user):
    applications = [finalised_application(portal_user=primary_user) for _ in range(2)]
    order = make_order(primary_user, applications)
    response = portal_client.post(f"/portal/orders/{order.pk}/cancel/")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert {a.status for a in CardApplication.objects.all()} == {Status.FINALISED}
    assert not OrderLine.objects.filter(live=True).exists()
    again = make_order(primary_user, applications)
    assert again.lines.filter(live=True).count() == 2
    assert "cannot be cancelled" in str(
        pytest.raises(services.OrderError, services.order_cancel, order=order, actor=primary_user.user).value
    )


def test_close_an_open_order_from_its_page_and_an_empty_order_cannot_close(portal_client, primary_user):
    response = portal_client.post(
        "/portal/orders/new/",
        {"your_reference": "Spring intake", "office": primary_user.office.pk, "billing_office": primary_user.office.pk,
         "deliver_to": primary_user.office.pk, "accounts_contact": "Ann Accounts", "delivery_attention": ""},
    )  # fmt: skip
    order = Order.objects.get()
    assert response.url == f"/portal/orders/{order.pk}/" and order.status == Order.Status.OPEN
    portal_client.post(f"/portal/orders/{order.pk}/close/")
    order.refresh_from_db()
    assert order.status == Order.Status.OPEN  # nothing in it
    application = finalised_application(portal_user=primary_user)
    portal_client.post(ADD, {"application": [application.pk], "order": order.pk, "action": "leave_open"})
    page = portal_client.get(f"/portal/orders/{order.pk}/").text
    assert "Close order &amp; proceed to payment" in page and "Close order but pay later" in page
    response = portal_client.post(f"/portal/orders/{order.pk}/close/", {"then": "pay"})
    assert response.url == f"/portal/orders/{order.pk}/pay/"
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_offices_are_limited_to_the_users_scope(client, organisation):
    region = OfficeFactory(organisation=organisation, name="North Region")
    elsewhere = OfficeFactory(organisation=organisation, name="South Region")
    manager = PortalUserFactory(organisation=organisation, office=region, all_flags=True)
    sign_in(client, manager.user)
    page = client.get("/portal/orders/new/").text
    assert "North Region" in page and "South Region" not in page
    response = client.post(
        "/portal/orders/new/",
        {"your_reference": "X", "office": elsewhere.pk, "billing_office": region.pk, "deliver_to": region.pk,
         "accounts_contact": "A"},
    )  # fmt: skip
    assert response.status_code == 200 and "from the options given" in response.text
    assert not Order.objects.exists()


# --- Prices --------------------------------------------------------------------------------------------------------


def test_advance_order_is_credits_of_250_pounds_with_no_vat(portal_client, primary_user):
    response = portal_client.post(
        "/portal/orders/new-advance/",
        {"credits": "0", "your_reference": "123456", "office": primary_user.office.pk,
         "billing_office": primary_user.office.pk, "accounts_contact": "World Services"},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors == {"credits": ["Buy at least 1 credit."]}
    assert not Order.objects.exists()
    response = portal_client.post(
        "/portal/orders/new-advance/",
        {"credits": "3", "your_reference": "123456", "office": primary_user.office.pk,
         "billing_office": primary_user.office.pk, "accounts_contact": "World Services"},
    )  # fmt: skip
    order = Order.objects.get()
    assert response.url == f"/portal/orders/{order.pk}/pay/"
    assert order.kind == Order.Kind.ADVANCE and order.status == Order.Status.AWAITING_PAYMENT
    totals = order_totals(order=order)
    assert (totals.total_pence, totals.vat_pence) == (75_000, 0)
    page = portal_client.get(response.url).text
    assert "ECS Card Advance Payment" in page and "£250.00" in page and "£750.00" in page
    assert "Funds held on account" not in page  # credits are not bought with credits


# --- Paying from funds and by BACS ------------------------------------------------------------------------------


def test_pay_from_funds_completes_the_wait_step(portal_client, primary_user):
    applications = [finalised_application(portal_user=primary_user) for _ in range(2)]
    order = make_order(primary_user, applications)
    organisation = primary_user.organisation
    services.funds_credit(organisation=organisation, amount_pence=5_000, kind="advance_payment", reference="ADV0")
    response = portal_client.post(f"/portal/orders/{order.pk}/pay/", {"method": "funds"})
    assert response.status_code == 200 and "do not cover £60.00" in response.text
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and not Payment.objects.exists()
    services.funds_credit(organisation=organisation, amount_pence=25_000, kind="advance_payment", reference="ADV1")
    response = portal_client.post(f"/portal/orders/{order.pk}/pay/", {"method": "funds"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.get().method == "funds"
    assert selectors.funds_balance(organisation=organisation) == 30_000 - 6_000
    assert {a.status for a in CardApplication.objects.all()} == {Status.RECEIVED}
    page = portal_client.get(f"/portal/orders/{order.pk}/").text
    assert page.count(">Received</strong>") == 2
    # Paying again changes nothing.
    response = portal_client.post(f"/portal/orders/{order.pk}/pay/", {"method": "funds"})
    assert selectors.funds_balance(organisation=organisation) == 24_000


def test_bacs_only_for_250_pounds_or_more(portal_client, primary_user):
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    response = portal_client.post(f"/portal/orders/{order.pk}/pay/", {"method": "bacs"})
    assert response.status_code == 200 and "from the options given" in response.text
    assert (
        "BACS bank transfer is available for orders of £250.00 or more."
        in portal_client.get(f"/portal/orders/{order.pk}/pay/").text
    )
    with pytest.raises(services.OrderError, match="£250.00 or more") as refused:
        services.order_mark_for_bacs(order=order, portal_user=primary_user)
    assert refused.value.field == "method"
    advance = services.order_create_advance(
        actor=primary_user.user, organisation=primary_user.organisation, credits=1, your_reference="123456",
        office=primary_user.office, billing_office=primary_user.office, accounts_contact="World Services",
    )  # fmt: skip
    response = portal_client.post(f"/portal/orders/{advance.pk}/pay/", {"method": "bacs"})
    assert response.status_code == 302
    advance.refresh_from_db()
    assert advance.status == Order.Status.AWAITING_BACS
    page = portal_client.get(f"/portal/orders/{advance.pk}/").text
    assert "Marked for BACS allocation" in page and advance.reference in page
    assert "Failure to use the exact reference number will delay processing your payment." in page
    assert advance.reference in portal_client.get("/portal/orders/").text


# --- Ways to pay: one rule for the form, the page and the services -------------------------------------------------


def _offered(order, portal_user) -> dict[str, str]:
    """Each method: "" when offered, else the reason it is not."""
    methods = selectors.payment_methods_for(order=order, portal_user=portal_user)
    return {m.value: ("" if o.offered else o.reason) for m, o in methods.items()}


def test_payment_methods_offered_and_refused_with_their_reasons(portal_client, primary_user):
    small = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    assert _offered(small, primary_user) == {
        "card": "",
        "funds": "",
        "bacs": "BACS bank transfer is available for orders of £250.00 or more.",
    }
    page = portal_client.get(f"/portal/orders/{small.pk}/pay/").text
    assert "Funds held on account (balance £0.00)" in page and 'value="bacs"' not in page

    no_funds = PortalUserFactory(
        organisation=primary_user.organisation, flags=("can_view_purchases", "can_complete_purchases")
    )
    assert _offered(small, no_funds)["funds"] == "You need the “Can Use Funds” permission."
    with pytest.raises(services.OrderError, match="Can Use Funds") as refused:
        services.order_pay_from_funds(order=small, portal_user=no_funds)
    assert refused.value.field == "method"

    advance = services.order_create_advance(
        actor=primary_user.user, organisation=primary_user.organisation, credits=1, your_reference="Credits",
        office=primary_user.office, billing_office=primary_user.office, accounts_contact="World Services",
    )  # fmt: skip
    assert _offered(advance, primary_user) == {
        "card": "",
        "funds": "Credits cannot be bought with funds held on account.",
        "bacs": "",
    }
    with pytest.raises(services.OrderError, match="Credits cannot be bought"):
        services.order_pay_from_funds(order=advance, portal_user=primary_user)
    page = portal_client.get(f"/portal/orders/{advance.pk}/pay/").text
    assert "By BACS: the order waits" in page and 'value="funds"' not in page

    services.order_mark_for_bacs(order=advance, portal_user=primary_user)
    advance.refresh_from_db()
    marked = _offered(advance, primary_user)
    assert marked["card"] == "" and marked["bacs"] == "Already marked for BACS: pay by card instead if you prefer."
    with pytest.raises(services.OrderError, match="Already marked for BACS"):
        services.order_mark_for_bacs(order=advance, portal_user=primary_user)

    open_order = make_order(primary_user, [finalised_application(portal_user=primary_user)], close=False)
    assert not open_order.is_payable and small.is_payable
    assert set(_offered(open_order, primary_user).values()) == {f"Order {open_order.your_reference} is open."}


# --- Who may do what ----------------------------------------------------------------------------------------------


def test_other_organisation_sees_nothing(client, primary_user):
    application = finalised_application(portal_user=primary_user)
    order = make_order(primary_user, [application])
    outsider = PortalUserFactory(all_flags=True)
    sign_in(client, outsider.user)
    for url in (f"/portal/orders/{order.pk}/", f"/portal/orders/{order.pk}/pay/", ADD + query([application])):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/portal/orders/{order.pk}/cancel/").status_code == 404
    assert order.reference not in client.get("/portal/orders/").text
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


@pytest.mark.parametrize(
    ("flags", "method", "url", "status"),
    [
        ((), "get", "/portal/orders/", 403),
        (("can_view_purchases",), "get", "/portal/orders/new/", 403),
        (("can_view_purchases",), "get", "/portal/orders/new-advance/", 403),
        (("can_view_purchases",), "get", "ADD", 403),
        (("can_view_purchases",), "get", "PAY", 403),
        (("can_view_purchases",), "post", "CANCEL", 403),
        (("can_view_purchases", "can_complete_purchases"), "post-funds", "PAY", 403),
        (("can_view_purchases", "can_complete_purchases", "can_use_funds"), "post-funds", "PAY", 302),
    ],
)
def test_missing_flag_is_403(client, primary_user, flags, method, url, status):
    application = finalised_application(portal_user=primary_user)
    order = make_order(primary_user, [application])
    services.funds_credit(
        organisation=primary_user.organisation, amount_pence=25_000, kind="advance_payment", reference="A"
    )
    user = PortalUserFactory(organisation=primary_user.organisation, flags=flags)
    sign_in(client, user.user)
    url = {"ADD": ADD + query([application]), "PAY": f"/portal/orders/{order.pk}/pay/",
           "CANCEL": f"/portal/orders/{order.pk}/cancel/"}.get(url, url)  # fmt: skip
    if method == "get":
        response = client.get(url)
    elif method == "post":
        response = client.post(url)
    else:
        response = client.post(url, {"method": "funds"})
        if status == 403:  # the choice is not even offered without Can Use Funds
            assert response.status_code == 200 and "from the options given" in response.text
            order.refresh_from_db()
            assert order.status == Order.Status.AWAITING_PAYMENT
            return
    assert response.status_code == status


def test_adding_to_an_existing_order_needs_its_flag(client, primary_user):
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)], close=False)
    creator = PortalUserFactory(
        organisation=primary_user.organisation, flags=("can_view_purchases", "can_create_purchases")
    )
    application = finalised_application(portal_user=primary_user)
    sign_in(client, creator.user)
    assert order.your_reference not in client.get(ADD + query([application])).text
    response = client.post(ADD, {"application": [application.pk], "order": order.pk, "action": "leave_open"})
    assert response.status_code == 403
    assert order.lines.count() == 1


# --- Lists, receipts and query counts -----------------------------------------------------------------------------


def _paid_orders(primary_user, n):
    services.funds_credit(
        organisation=primary_user.organisation, amount_pence=100_000, kind="correction", reference=f"C{n}"
    )
    for _ in range(n):
        order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
        services.order_pay_from_funds(order=order, portal_user=primary_user)
        make_order(primary_user, [finalised_application(portal_user=primary_user)])  # one unpaid


LISTS = ["/portal/orders/", "/portal/orders/being-fulfilled/", "/portal/orders/financial-history/"]


@pytest.mark.parametrize("url", LISTS)
def test_lists_keep_a_constant_number_of_queries(portal_client, primary_user, django_assert_max_num_queries, url):
    _paid_orders(primary_user, 2)
    with django_assert_max_num_queries(14) as few:
        assert portal_client.get(url).status_code == 200
    _paid_orders(primary_user, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = portal_client.get(url)
    assert page.status_code == 200


def test_financial_history_and_receipt(portal_client, primary_user):
    _paid_orders(primary_user, 1)
    payment = Payment.objects.get()
    page = portal_client.get("/portal/orders/financial-history/").text
    assert payment.receipt_number in page and "Order paid from funds" in page and "£970.00" in page
    response = portal_client.get(f"/portal/orders/receipts/{payment.pk}/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    outsider = PortalUserFactory(all_flags=True)
    portal_client.logout()
    sign_in(portal_client, outsider.user)
    assert portal_client.get(f"/portal/orders/receipts/{payment.pk}/").status_code == 404
