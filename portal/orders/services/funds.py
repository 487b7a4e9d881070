"""Funds held on account: an append-only ledger whose balance can never go below zero."""

from django.db import transaction

from portal.accounts.models import User
from portal.orders.models import FundsAccount, FundsLedgerEntry
from portal.organisations.models import Organisation

Kind = FundsLedgerEntry.Kind


class InsufficientFunds(Exception):
    def __init__(self, *, balance_pence: int, needed_pence: int):
        super().__init__(
            f"The funds held on account (£{balance_pence / 100:,.2f}) do not cover £{needed_pence / 100:,.2f}."
        )
        self.balance_pence = balance_pence
        self.needed_pence = needed_pence


def _locked_account(organisation: Organisation) -> FundsAccount:
    FundsAccount.objects.get_or_create(organisation=organisation)
    return FundsAccount.objects.select_for_update().get(organisation=organisation)


def _move(*, organisation, amount_pence: int, kind: str, reference: str, actor) -> FundsLedgerEntry:
    with transaction.atomic():
        account = _locked_account(organisation)
        existing = FundsLedgerEntry.objects.filter(account=account, kind=kind, reference=reference).first()
        if existing is not None:
            return existing  # the same payment or allocation recorded twice counts once
        if account.balance_pence + amount_pence < 0:
            raise InsufficientFunds(balance_pence=account.balance_pence, needed_pence=-amount_pence)
        account.balance_pence += amount_pence
        account.save(update_fields=["balance_pence"])
        return FundsLedgerEntry.objects.create(
            account=account,
            kind=kind,
            amount_pence=amount_pence,
            balance_after_pence=account.balance_pence,
            reference=reference,
            recorded_by=actor,
        )


def funds_credit(
    *, organisation: Organisation, amount_pence: int, kind: str, reference: str, actor: User | None = None
) -> FundsLedgerEntry:
    if amount_pence <= 0:
        raise ValueError("A credit must be a positive amount.")
    return _move(organisation=organisation, amount_pence=amount_pence, kind=kind, reference=reference, actor=actor)


def funds_debit(
    *, organisation: Organisation, amount_pence: int, reference: str, actor: User | None = None
) -> FundsLedgerEntry:
    """Pay from funds. Raises InsufficientFunds, however many users pay at once (the balance row is locked)."""
    if amount_pence <= 0:
        raise ValueError("A payment must be a positive amount.")
    return _move(
        organisation=organisation, amount_pence=-amount_pence, kind=Kind.ORDER_PAYMENT, reference=reference, actor=actor
    )
