from viewflow.workflow.models import Process

from portal.contracts.models import Contract, ContractParty


class ContractSetupProcess(Process):
    """An ECS Check contract's set-up and life (its artifact is the Contract)."""

    class Meta:
        proxy = True
        verbose_name = "Contract set-up"
        verbose_name_plural = "Contract set-ups"

    @property
    def contract(self) -> Contract:
        return Contract.objects.get(pk=self.artifact_object_id)

    def contract_is_open(self) -> bool:
        return self.contract.is_open


class InvitationProcess(Process):
    """One company's invitation into a contract's supply chain (its artifact is the ContractParty). The
    invitations of a contract run in parallel, one process each."""

    class Meta:
        proxy = True
        verbose_name = "Supply-chain invitation"
        verbose_name_plural = "Supply-chain invitations"

    @property
    def party(self) -> ContractParty:
        return ContractParty.objects.select_related("contract", "organisation").get(pk=self.artifact_object_id)

    def answered(self, status: str) -> bool:
        return self.party.status == status
