"""Orders through their services: one live order per application, prices frozen on the lines, every change recorded,
fifty payments from one £250 balance at once."""

import threading

import pytest
from django.db import connections
from django.db.models import Sum

from portal.applications.models import CardApplication
from portal.orders import selectors, services
from portal.orders.models import FundsLedgerEntry, Order, Payment
from portal.orders.selectors import order_totals
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_orders import make_order
from tests.stripe_fixtures import finalised_application, own_card_type, requires_postgresql

pytestmark = pytest.mark.django_db
Status = CardApplication.Status


def test_an_application_is_in_one_live_order_only(primary_user):
    application = finalised_application(portal_user=primary_user)
    order = make_order(primary_user, [application], close=False)
    other = services.order_create(
        actor=primary_user.user, organisation=primary_user.organisation, your_reference="PO-2",
        office=primary_user.office, billing_office=primary_user.office, deliver_to=None, accounts_contact="A",
    )  # fmt: skip
    with pytest.raises(services.OrderError, match="not finalised"):
        services.order_add_applications(order=other, applications=[application], actor=primary_user.user)
    assert order.lines.count() == 1 and other.lines.count() == 0


def test_prices_are_frozen_on_the_lines_with_member_discount_and_vat(primary_user):
    from portal.orders.models import CardPrice

    member_app = finalised_application(portal_user=primary_user)
    order = make_order(primary_user, [member_app])
    line = order.lines.get()
    assert (line.unit_price_pence, line.discount_pence, line.vat_pence, line.total_pence) == (3_000, 600, 500, 3_000)
    CardPrice.objects.filter(card_type=member_app.card_type).update(price_pence=9_900)
    line.refresh_from_db()
    assert line.total_pence == 3_000  # frozen when added
    non_member = OrganisationFactory(jib_membership_number="")
    user = PortalUserFactory(organisation=non_member, all_flags=True)
    other = finalised_application(portal_user=user)
    CardPrice.objects.filter(card_type=other.card_type).update(price_pence=3_600)
    totals = order_totals(order=make_order(user, [other]))
    assert (totals.total_pence, totals.vat_pence, totals.net_pence, totals.discount_pence) == (3_600, 600, 3_000, 0)


def test_every_change_to_an_order_is_recorded_with_who_made_it(primary_user):
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    services.funds_credit(
        organisation=primary_user.organisation, amount_pence=25_000, kind="advance_payment", reference="A"
    )
    services.order_pay_from_funds(order=order, portal_user=primary_user)
    events = list(order.events.values_list("actor", "from_status", "to_status"))
    user = primary_user.user.pk
    assert events == [
        (user, "", "open"),
        (user, "open", "open"),
        (user, "open", "awaiting_payment"),
        (user, "awaiting_payment", "paid"),
    ]
    assert order.events.last().what == "Paid: £30.00 by funds held on account."


@pytest.mark.postgres
@requires_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_order_payments_from_one_credit():
    organisation = OrganisationFactory(jib_membership_number="")  # £36.00 a card
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    card_type = own_card_type()  # £36.00 to non-members
    orders = [make_order(user, [finalised_application(portal_user=user, card_type=card_type)]) for _ in range(50)]
    services.funds_credit(organisation=organisation, amount_pence=25_000, kind="advance_payment", reference="ADV")
    start = threading.Barrier(50)
    outcomes = []

    def pay(order):
        try:
            start.wait()
            services.order_pay_from_funds(order=order, portal_user=user)
            outcomes.append("paid")
        except services.InsufficientFunds:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes.count("paid") == 6 and outcomes.count("refused") == 44  # 6 × £36 = £216 of £250
    balance = selectors.funds_balance(organisation=organisation)
    assert balance == 25_000 - 6 * 3_600
    ledger = FundsLedgerEntry.objects.filter(account__organisation=organisation)
    assert ledger.aggregate(s=Sum("amount_pence"))["s"] == balance
    assert Order.objects.filter(status=Order.Status.PAID).count() == Payment.objects.count() == 6
    assert CardApplication.objects.filter(status=Status.RECEIVED).count() == 6
    assert CardApplication.objects.filter(status=Status.ORDERED).count() == 44
