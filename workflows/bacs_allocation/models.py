from viewflow.workflow.models import Process

from portal.orders.models import BankStatement, BankTransfer


class BacsAllocationProcess(Process):
    """A BACS transfer the statement import could not settle (its artifact), or a statement import."""

    class Meta:
        proxy = True
        verbose_name = "BACS allocation"
        verbose_name_plural = "BACS allocations"
        permissions = [("allocate_bacs_transfer", "Can import bank statements and allocate BACS transfers")]

    @property
    def transfer(self) -> BankTransfer | None:
        if self.artifact_content_type_id and self.artifact_content_type.model_class() is BankTransfer:
            return BankTransfer.objects.select_related("order", "statement").get(pk=self.artifact_object_id)
        return None

    @property
    def statement(self) -> BankStatement | None:
        if self.artifact_content_type_id and self.artifact_content_type.model_class() is BankStatement:
            return BankStatement.objects.get(pk=self.artifact_object_id)
        return None
