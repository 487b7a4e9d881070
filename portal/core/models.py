from django.db import models


class BackgroundJob(models.Model):
    """A job for the background workers, written in the transaction that makes it due (a transactional outbox).

    The relay (`python -m tasks.relay`) hands waiting jobs to Prefect and stamps `handed_at`; a job whose
    transaction rolled back was never written, and one committed but not yet handed waits here, however long
    Prefect is out of reach."""

    kind = models.CharField(max_length=40)
    ref = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    handed_at = models.DateTimeField(null=True, blank=True)
    # Failed hand-offs (Prefect out of reach) and the last reason, for the operators.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The relay's claim: waiting jobs, oldest first.
            models.Index(fields=["id"], condition=models.Q(handed_at__isnull=True), name="core_bgjob_waiting"),
            models.Index(fields=["kind", "ref"], name="core_bgjob_kind_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}"
