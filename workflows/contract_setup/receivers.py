"""The contract set-up processes follow what the contracts domain announces (portal.contracts.signals).

Each receiver runs inside the transaction of the change announced, so a process moves with the domain. A contract
or invitation recorded without a process (made in the admin, or before the process existed) has no open step:
there is nothing to move.
"""

import logging

from django.dispatch import receiver

from portal.contracts import signals
from portal.contracts.models import Contract, ContractParty
from workflows.contract_setup.flows import ContractSetupFlow, InvitationFlow
from workflows.contract_setup.selectors import open_task

logger = logging.getLogger(__name__)


def _complete_wait(artifact_id: int, step) -> bool:
    task = open_task(artifact_id=artifact_id, step=step)
    if task is None:
        logger.info("No open %s step for %s", step.name, artifact_id)
        return False
    step.run(task)
    return True


@receiver(signals.contract_created, sender=Contract, dispatch_uid="contract_setup.start")
def start_contract(sender, *, contract: Contract, **kwargs) -> None:
    ContractSetupFlow.start.run(artifact=contract)


@receiver(signals.contract_went_live, sender=Contract, dispatch_uid="contract_setup.live")
def contract_live(sender, *, contract: Contract, **kwargs) -> None:
    _complete_wait(contract.pk, ContractSetupFlow.set_up)


@receiver(signals.contract_completed, sender=Contract, dispatch_uid="contract_setup.closed")
def contract_closed(sender, *, contract: Contract, **kwargs) -> None:
    if not _complete_wait(contract.pk, ContractSetupFlow.in_progress):
        _complete_wait(contract.pk, ContractSetupFlow.set_up)  # closed while still being set up
    for party_id in contract.parties.filter(status=ContractParty.Status.EXPIRED).values_list("pk", flat=True):
        _complete_wait(party_id, InvitationFlow.await_answer)


@receiver(signals.party_invited, sender=ContractParty, dispatch_uid="contract_setup.invite")
def invitation_start(sender, *, party: ContractParty, **kwargs) -> None:
    InvitationFlow.invite.run(artifact=party)


@receiver(signals.party_responded, sender=ContractParty, dispatch_uid="contract_setup.answered")
@receiver(signals.party_expired, sender=ContractParty, dispatch_uid="contract_setup.expired")
def invitation_answered(sender, *, party: ContractParty, **kwargs) -> None:
    _complete_wait(party.pk, InvitationFlow.await_answer)
