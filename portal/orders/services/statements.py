"""Reading a bank statement (CSV) into the credits it shows."""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

REFERENCE_PATTERN = r"ECS\s?(\d{7})"
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %b %Y")


class StatementError(Exception):
    """The bank statement cannot be read; the message says where."""


def bank_statement_credits(*, content: str) -> list[dict]:
    """One dict per credit (money in): line_number, posted_on, description, amount_pence and reference_found
    (the ECS reference quoted, or "")."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    fields = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    amount_field = next((fields[f] for f in ("amount", "credit", "paid in") if f in fields), None)
    description_field = next((fields[f] for f in ("description", "reference", "details") if f in fields), None)
    date_field = fields.get("date")
    if not (amount_field and description_field and date_field):
        raise StatementError("The statement needs the columns Date, Description and Amount (or Credit / Paid in).")
    rows = []
    for number, row in enumerate(reader, start=2):
        raw_amount = (row.get(amount_field) or "").replace("£", "").replace(",", "").strip()
        if not raw_amount:
            continue  # a debit line in a statement with separate credit and debit columns
        try:
            amount = Decimal(raw_amount)
        except InvalidOperation:
            raise StatementError(f"Line {number}: “{raw_amount}” is not an amount.") from None
        if amount <= 0:
            continue  # money going out is not a transfer received
        raw_date = (row.get(date_field) or "").strip()
        for date_format in DATE_FORMATS:
            try:
                posted_on = datetime.strptime(raw_date, date_format).date()
                break
            except ValueError:
                continue
        else:
            raise StatementError(f"Line {number}: “{raw_date}” is not a date.")
        description = (row.get(description_field) or "").strip()
        found = re.search(REFERENCE_PATTERN, description.upper())
        rows.append(
            {
                "line_number": number,
                "posted_on": posted_on,
                "description": description[:300],
                "amount_pence": int((amount * 100).to_integral_value()),
                "reference_found": f"ECS{found.group(1)}" if found else "",
            }
        )
    return rows
