from django.conf import settings
from django.db import models

CREDIT_PENCE = 25_000  # one advance credit: £250
BACS_MINIMUM_PENCE = 25_000  # BACS is offered for orders of £250 or more


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


class Order(models.Model):
    """A purchase order: card applications to pay for, or credits bought in advance (funds on account)."""

    class Kind(models.TextChoices):
        CARD_APPLICATIONS = "card_applications", "Card applications"
        ADVANCE = "advance", "Advance payment"
        ASSESSMENT_CREDITS = "assessment_credits", "ECS Assessment credits"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AWAITING_PAYMENT = "awaiting_payment", "Closed - awaiting payment"
        AWAITING_BACS = "awaiting_bacs", "Awaiting BACS allocation"
        PAID = "paid", "Paid - being fulfilled"
        CANCELLED = "cancelled", "Cancelled"

    class Method(models.TextChoices):
        CARD = "card", "Credit or debit card"
        FUNDS = "funds", "Funds held on account"
        BACS = "bacs", "BACS bank transfer"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CARD_APPLICATIONS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    # "ECS" and seven digits: what the payer quotes on a BACS transfer; unique across all orders.
    reference = models.CharField("our reference", max_length=12, unique=True)
    your_reference = models.CharField("your reference / P.O. number", max_length=60)
    office = models.ForeignKey(
        "organisations.Office", on_delete=models.PROTECT, related_name="orders", verbose_name="raised at"
    )
    billing_office = models.ForeignKey(
        "organisations.Office", on_delete=models.PROTECT, related_name="+", verbose_name="billing to office"
    )
    deliver_to = models.ForeignKey(
        "organisations.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="deliver to office",
    )
    accounts_contact = models.CharField(max_length=100)
    delivery_attention = models.CharField("delivery for the attention of", max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    bacs_marked_at = models.DateTimeField("marked for BACS allocation", null=True, blank=True)
    # The card payment in progress: one PaymentIntent per order (created once, however many clicks on Pay).
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "office"]),
            # Orders Being Fulfilled at national scale: paid orders, newest payment first, in the index's order.
            models.Index(fields=["organisation", "-paid_at"], condition=models.Q(status="paid"), name="order_paid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.your_reference}"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def is_unpaid(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.AWAITING_PAYMENT, self.Status.AWAITING_BACS)

    @property
    def is_payable(self) -> bool:
        """Closed and not yet paid: it can be paid (by card even when marked for BACS)."""
        return self.status in (self.Status.AWAITING_PAYMENT, self.Status.AWAITING_BACS)


class OrderEvent(models.Model):
    """Every change to an order: who, when, what, from which status."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True, choices=Order.Status.choices)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    what = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.what


class OrderLine(models.Model):
    """One thing bought, with its price frozen when it was added (integer pence, VAT included)."""

    class Kind(models.TextChoices):
        CARD_APPLICATION = "card_application", "Card application"
        ADVANCE_CREDIT = "advance_credit", "ECS Card Advance Payment"
        ASSESSMENT_CREDIT = "assessment_credit", "ECS Assessment credit"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.CardApplication", on_delete=models.PROTECT, null=True, blank=True, related_name="order_lines"
    )
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_price_pence = models.PositiveIntegerField(help_text="Each, VAT included, after any discount.")
    discount_pence = models.PositiveIntegerField(default=0, help_text="The JIB member discount, each.")
    vat_pence = models.PositiveIntegerField(default=0, help_text="The VAT inside the line total.")
    total_pence = models.PositiveIntegerField()
    # False once the order is cancelled or the application taken out: the application may be ordered again.
    live = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(live=True, application__isnull=False),
                name="application_in_one_live_order",
            ),
            models.CheckConstraint(
                condition=models.Q(total_pence=models.F("unit_price_pence") * models.F("quantity")),
                name="line_total_is_quantity_times_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"


class Payment(models.Model):
    """Money received for an order. One per order: an order is paid once, however the news of it arrives."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="payment")
    method = models.CharField(max_length=10, choices=Order.Method.choices)
    amount_pence = models.PositiveIntegerField()
    vat_pence = models.PositiveIntegerField(default=0)
    # The PaymentIntent, the funds ledger entry or the bank statement line that paid it.
    source_reference = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.receipt_number} £{self.amount_pence / 100:,.2f}"

    @property
    def receipt_number(self) -> str:
        return f"R{self.pk:07d}"


class StripeEvent(models.Model):
    """A Stripe webhook event, stored once by its id: a repeated delivery is recognised and changes nothing."""

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=60)
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    amount_pence = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # Empty while waiting for the order to be visible (its transaction not yet committed).
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class BankStatement(models.Model):
    """A bank statement imported to find BACS transfers."""

    name = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lines_read = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class BankTransfer(models.Model):
    """A credit on a bank statement: matched to an order by its ECS reference, or left to the finance team."""

    class Status(models.TextChoices):
        MATCHED = "matched", "Matched: order paid"
        OVERPAID = "overpaid", "Overpaid: for the finance team"
        UNDERPAID = "underpaid", "Underpaid: for the finance team"
        UNMATCHED = "unmatched", "Unmatched: for the finance team"
        ALLOCATED = "allocated", "Allocated by the finance team"
        CREDITED = "credited", "Credited to funds on account"
        RETURNED = "returned", "Not ours: to be returned"

    class Decision(models.TextChoices):
        """The finance team's decision on a transfer the import could not settle."""

        ALLOCATE = "allocate", "Allocate to the order: it is paid (any excess goes to the funds on account)"
        CREDIT = "credit", "Credit the whole amount to the organisation's funds on account"
        RETURN = "return", "Do not allocate: not ours, or to be returned to the payer"

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="transfers")
    # The same line imported twice (the statement imported again) is recognised by this and skipped.
    fingerprint = models.CharField(max_length=64, unique=True)
    line_number = models.PositiveIntegerField()
    posted_on = models.DateField()
    description = models.CharField(max_length=300)
    amount_pence = models.PositiveIntegerField()
    reference_found = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers")
    difference_pence = models.BigIntegerField(default=0, help_text="Received minus the order total.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["posted_on", "line_number"]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.description} £{self.amount_pence / 100:,.2f}"

    @property
    def needs_finance(self) -> bool:
        return self.status in (self.Status.OVERPAID, self.Status.UNDERPAID, self.Status.UNMATCHED)
