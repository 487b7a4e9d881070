"""Facts about orders and payments that the orders domain announces.

Each signal is sent inside the transaction of the change it reports: a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# A transfer on an imported bank statement could not be settled automatically (unknown reference, or not the
# order's total): the finance team must decide. Arguments: `transfer` (BankTransfer).
bank_transfer_needs_allocation = Signal()

# An order was paid (by card, from funds or by an allocated transfer). Arguments: `order` (Order), `payment`
# (Payment, whose receipt the payer can open), `actor` (User, None when the payment was matched automatically).
order_paid = Signal()

# The finance team credited a BACS transfer to an organisation's funds on account. Arguments: `transfer`
# (BankTransfer, CREDITED), `organisation` (Organisation credited), `entry` (its FundsLedgerEntry, whose receipt
# the employer can open). The employer is sent a receipt.
bank_transfer_credited = Signal()
