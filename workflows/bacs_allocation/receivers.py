"""The BACS allocation process follows what the orders domain announces (portal.orders.signals)."""

from django.dispatch import receiver

from portal.orders.models import BankTransfer
from portal.orders.signals import bank_transfer_needs_allocation
from workflows.bacs_allocation.flows import BacsAllocationFlow


@receiver(bank_transfer_needs_allocation, dispatch_uid="bacs_allocation.start")
def start_case(sender, *, transfer: BankTransfer, **kwargs) -> None:
    BacsAllocationFlow.start.run(artifact=transfer)
