"""BACS transfers: a bank statement's credits matched to orders by their ECS reference; the rest decided by the
finance team."""

import hashlib
from collections import Counter

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.orders.models import BankStatement, BankTransfer, FundsLedgerEntry, Order
from portal.orders.selectors import order_totals
from portal.orders.services.funds import funds_credit
from portal.orders.services.orders import OrderError, locked_order, order_mark_paid, require_payable
from portal.orders.services.statements import bank_statement_credits
from portal.orders.signals import bank_transfer_credited, bank_transfer_needs_allocation
from portal.organisations.models import Organisation

Method = Order.Method
Decision = BankTransfer.Decision


def bank_transfer_match(*, transfer: BankTransfer) -> BankTransfer:
    """Match a received transfer to its order by the ECS reference: exactly the total pays the order; a
    different amount, an unknown reference or an order not waiting for payment is left to the finance team."""
    with transaction.atomic():
        transfer = BankTransfer.objects.select_for_update().get(pk=transfer.pk)
        order = Order.objects.filter(reference=transfer.reference_found).first() if transfer.reference_found else None
        if order is None or not order.is_payable:
            transfer.status = BankTransfer.Status.UNMATCHED
            transfer.order = order
            transfer.save(update_fields=["status", "order"])
            return transfer
        transfer.order = order
        transfer.difference_pence = transfer.amount_pence - order_totals(order=order).total_pence
        if transfer.difference_pence == 0:
            order_mark_paid(
                order=order, method=Method.BACS, amount_pence=transfer.amount_pence,
                source_reference=f"bank:{transfer.pk}",
            )  # fmt: skip
            transfer.status = BankTransfer.Status.MATCHED
        else:
            transfer.status = (
                BankTransfer.Status.OVERPAID if transfer.difference_pence > 0 else BankTransfer.Status.UNDERPAID
            )
        transfer.save(update_fields=["status", "order", "difference_pence"])
        return transfer


def _order_by_reference(reference: str) -> Order:
    reference = reference.strip().upper().replace(" ", "")
    if not reference:
        raise OrderError("Enter the order's ECS reference.", field="order_reference")
    order = Order.objects.select_related("organisation").filter(reference=reference).first()
    if order is None:
        raise OrderError(f"There is no order {reference}.", field="order_reference")
    return order


def bank_transfer_allocate(
    *,
    transfer: BankTransfer,
    actor: User,
    decision: Decision,
    order_reference: str = "",
    note: str = "",
    order: Order | None = None,
    organisation: Organisation | None = None,
) -> BankTransfer:
    """The finance team's decision on a transfer the import could not settle.

    - ALLOCATE: the transfer pays the order (an underpayment accepted with a note; an overpayment's excess goes
      to the organisation's funds on account);
    - CREDIT: the whole amount goes to the order's organisation's funds on account (BACS_ALLOCATION);
    - RETURN: not ours, or to be sent back; nothing is paid (a note says why).

    The order is `order` (chosen from the payer's orders) or found by `order_reference`; the organisation credited is
    `organisation` or that order's. A credit to funds on account is announced (bank_transfer_credited) so that the
    employer gets a receipt."""
    note = note.strip()
    with transaction.atomic():
        transfer = BankTransfer.objects.select_for_update().get(pk=transfer.pk)
        if not transfer.needs_finance:
            raise OrderError("This transfer has already been dealt with.")
        chosen, order, credited = order, None, None
        if decision == Decision.ALLOCATE:
            if chosen is None and organisation is not None and not order_reference.strip():
                raise OrderError("Choose the order the transfer pays.", field="order")
            order = locked_order(chosen if chosen is not None else _order_by_reference(order_reference))
            require_payable(order)
            total = order_totals(order=order).total_pence
            if transfer.amount_pence < total and not note:
                raise OrderError("Say why the shortfall is accepted.", field="note")
            order_mark_paid(
                order=order, method=Method.BACS, amount_pence=total, source_reference=f"bank:{transfer.pk}", actor=actor
            )
            if transfer.amount_pence > total:
                funds_credit(
                    organisation=order.organisation, amount_pence=transfer.amount_pence - total,
                    kind=FundsLedgerEntry.Kind.BACS_ALLOCATION, reference=f"{order.reference}-excess", actor=actor,
                )  # fmt: skip
            transfer.status = BankTransfer.Status.ALLOCATED
            transfer.difference_pence = transfer.amount_pence - total
        elif decision == Decision.CREDIT:
            if organisation is None:
                order = chosen if chosen is not None else _order_by_reference(order_reference)
                organisation = order.organisation
            entry = funds_credit(
                organisation=organisation, amount_pence=transfer.amount_pence,
                kind=FundsLedgerEntry.Kind.BACS_ALLOCATION, reference=f"BANK-{transfer.pk}", actor=actor,
            )  # fmt: skip
            transfer.status = BankTransfer.Status.CREDITED
            credited = organisation
        elif decision == Decision.RETURN:
            if not note:
                raise OrderError("Say why the transfer is not allocated.", field="note")
            transfer.status = BankTransfer.Status.RETURNED
        else:
            raise OrderError("Choose what to do with the transfer.", field="decision")
        transfer.order = order
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.note = note
        transfer.save()
        if transfer.status == BankTransfer.Status.CREDITED:
            bank_transfer_credited.send(sender=BankTransfer, transfer=transfer, organisation=credited, entry=entry)
        return transfer


def bank_statement_import(*, content: str, name: str, actor: User | None = None) -> BankStatement:
    """Read a bank statement (CSV), record each credit once, match ECS references to orders, and announce every
    transfer it cannot settle (bank_transfer_needs_allocation)."""
    rows = bank_statement_credits(content=content)
    seen: Counter = Counter()
    with transaction.atomic():
        statement = BankStatement.objects.create(name=name[:200], imported_by=actor, lines_read=len(rows))
        for row in rows:
            key = f"{row['posted_on']}|{row['description']}|{row['amount_pence']}"
            seen[key] += 1  # two identical lines on one day are two transfers
            fingerprint = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()
            if BankTransfer.objects.filter(fingerprint=fingerprint).exists():
                continue  # imported before
            transfer = BankTransfer.objects.create(
                statement=statement, fingerprint=fingerprint, status=BankTransfer.Status.UNMATCHED, **row
            )
            transfer = bank_transfer_match(transfer=transfer)
            if transfer.needs_finance:
                bank_transfer_needs_allocation.send(sender=BankTransfer, transfer=transfer)
    return statement
