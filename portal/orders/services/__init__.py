"""Writes for orders, by concern: funds on account, orders, card payments, BACS (and reading bank statements)."""

from portal.orders.models import BACS_MINIMUM_PENCE, CREDIT_PENCE
from portal.orders.services.bacs import bank_statement_import, bank_transfer_allocate, bank_transfer_match
from portal.orders.services.card_payments import (
    order_card_payment_start,
    order_pay_with_test_card,
    stripe_event_apply,
    stripe_event_receive,
    stripe_events_apply_pending,
)
from portal.orders.services.funds import InsufficientFunds, funds_credit, funds_debit
from portal.orders.services.orders import (
    OrderError,
    order_add_applications,
    order_cancel,
    order_close,
    order_create,
    order_create_advance,
    order_mark_for_bacs,
    order_mark_paid,
    order_pay_from_funds,
    order_place_applications,
)
from portal.orders.services.statements import StatementError, bank_statement_credits

__all__ = [
    "BACS_MINIMUM_PENCE",
    "CREDIT_PENCE",
    "InsufficientFunds",
    "OrderError",
    "StatementError",
    "bank_statement_import",
    "bank_transfer_allocate",
    "bank_transfer_match",
    "funds_credit",
    "funds_debit",
    "order_add_applications",
    "order_cancel",
    "order_close",
    "order_create",
    "order_create_advance",
    "order_card_payment_start",
    "order_mark_for_bacs",
    "order_mark_paid",
    "order_pay_from_funds",
    "order_pay_with_test_card",
    "order_place_applications",
    "bank_statement_credits",
    "stripe_event_apply",
    "stripe_event_receive",
    "stripe_events_apply_pending",
]
