"""Payments on Prefect: the bank statement import (BACS matching) and the sweep for webhook events still
waiting for their order."""

from pathlib import Path

from prefect import flow, task

from tasks import setup_django


@task(name="import-bank-statement-file", retries=2, retry_delay_seconds=[5, 30])
def _import(content: str, name: str) -> dict:
    setup_django()
    from portal.orders.services import bank_statement_import

    statement = bank_statement_import(content=content, name=name)
    counts: dict = {"statement": statement.pk, "lines": statement.lines_read}
    for transfer in statement.transfers.all():
        counts[transfer.status] = counts.get(transfer.status, 0) + 1
    return counts


@flow(name="import-bank-statement")
def import_bank_statement(path: str | None = None, content: str | None = None, name: str | None = None) -> dict:
    """Import a bank statement CSV (a file on disk, or its text): ECS references for exactly the order total pay
    the order; over- and under-payments and unmatched credits become BACS allocation tasks for the finance team.
    Importing the same statement again records nothing twice."""
    if (path is None) == (content is None):
        raise ValueError("Give either the statement's path or its content.")
    if path is not None:
        content = Path(path).read_text(encoding="utf-8-sig")
        name = name or Path(path).name
    return _import(content, name or "bank statement")


@flow(name="apply-pending-payment-events")
def apply_pending_payment_events() -> int:
    """Apply Stripe events that arrived before their order was visible (normally applied at the order's commit)."""
    setup_django()
    from portal.orders.services import stripe_events_apply_pending

    return stripe_events_apply_pending()


if __name__ == "__main__":
    import sys

    print(import_bank_statement(path=sys.argv[1]))
