"""Funds on account: append-only, never below zero, each payment counted once, however many pay at once."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from portal.orders import selectors, services
from portal.orders.models import FundsLedgerEntry
from tests.factories import OrganisationFactory

CREDIT = 25_000  # one advance credit, £250


@pytest.mark.django_db
def test_credit_debit_and_refusal(organisation):
    services.funds_credit(organisation=organisation, amount_pence=CREDIT, kind="advance_payment", reference="ADV1")
    services.funds_debit(organisation=organisation, amount_pence=5_400, reference="ORDER-1")
    assert selectors.funds_balance(organisation=organisation) == 19_600
    with pytest.raises(services.InsufficientFunds, match="£196.00"):
        services.funds_debit(organisation=organisation, amount_pence=20_000, reference="ORDER-2")
    assert selectors.funds_balance(organisation=organisation) == 19_600
    entries = FundsLedgerEntry.objects.filter(account__organisation=organisation)
    assert [e.balance_after_pence for e in entries.order_by("pk")] == [25_000, 19_600]


@pytest.mark.django_db
def test_the_same_payment_twice_counts_once(organisation):
    services.funds_credit(organisation=organisation, amount_pence=CREDIT, kind="advance_payment", reference="ADV1")
    services.funds_credit(organisation=organisation, amount_pence=CREDIT, kind="advance_payment", reference="ADV1")
    services.funds_debit(organisation=organisation, amount_pence=3_600, reference="ORDER-9")
    services.funds_debit(organisation=organisation, amount_pence=3_600, reference="ORDER-9")
    assert selectors.funds_balance(organisation=organisation) == CREDIT - 3_600


@pytest.mark.django_db
def test_amounts_must_be_positive(organisation):
    with pytest.raises(ValueError):
        services.funds_credit(organisation=organisation, amount_pence=0, kind="correction", reference="X")
    with pytest.raises(ValueError):
        services.funds_debit(organisation=organisation, amount_pence=-5, reference="Y")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_payments_from_one_credit():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    organisation = OrganisationFactory()
    services.funds_credit(organisation=organisation, amount_pence=CREDIT, kind="advance_payment", reference="ADV")
    start = threading.Barrier(50)
    outcomes = []

    def pay(n):
        try:
            start.wait()
            services.funds_debit(organisation=organisation, amount_pence=3_600, reference=f"ORDER-{n}")
            outcomes.append("paid")
        except services.InsufficientFunds:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("paid") == 6 and outcomes.count("refused") == 44  # 6 × £36 = £216 of £250
    balance = selectors.funds_balance(organisation=organisation)
    assert balance == CREDIT - 6 * 3_600
    total = FundsLedgerEntry.objects.filter(account__organisation=organisation).aggregate(s=Sum("amount_pence"))["s"]
    assert total == balance
