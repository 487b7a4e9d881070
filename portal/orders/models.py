from django.conf import settings
from django.db import models


class FundsAccount(models.Model):
    """An organisation's funds held on account. The balance row is what concurrent payments lock."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="funds_account"
    )
    balance_pence = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(balance_pence__gte=0), name="funds_never_negative")]

    def __str__(self) -> str:
        return f"Funds of {self.organisation}: £{self.balance_pence / 100:,.2f}"


class FundsLedgerEntry(models.Model):
    """One movement of funds on account. Append-only: entries are never changed or deleted."""

    class Kind(models.TextChoices):
        ADVANCE_PAYMENT = "advance_payment", "Advance payment"
        BACS_ALLOCATION = "bacs_allocation", "BACS transfer allocated"
        ORDER_PAYMENT = "order_payment", "Order paid from funds"
        CORRECTION = "correction", "Correction by the JIB finance team"

    account = models.ForeignKey(FundsAccount, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_pence = models.BigIntegerField(help_text="Positive in, negative out.")
    balance_after_pence = models.BigIntegerField()
    reference = models.CharField(max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "funds ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "reference"], name="one_ledger_entry_per_reference")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_pence / 100:+,.2f}"


class ApplicationType(models.TextChoices):
    INITIAL = "initial", "Initial"
    RENEWAL = "renewal", "Renewal"


class CardPrice(models.Model):
    """The published price of a card application (reference data), VAT included, and the JIB member discount."""

    card_type = models.ForeignKey("registry.CardType", on_delete=models.PROTECT, related_name="prices")
    application_type = models.CharField(max_length=10, choices=ApplicationType.choices)
    price_pence = models.PositiveIntegerField(help_text="Including VAT.")
    member_discount_pence = models.PositiveIntegerField(
        default=0, help_text="Taken off for JIB members applying online."
    )
    vat_rate_basis_points = models.PositiveIntegerField(default=2000, help_text="20% is 2000.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["card_type", "application_type"], name="one_price_per_application_type"),
            models.CheckConstraint(
                condition=models.Q(member_discount_pence__lte=models.F("price_pence")), name="discount_within_price"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_type} {self.get_application_type_display()}: £{self.price_pence / 100:,.2f}"
