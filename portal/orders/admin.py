from django.contrib import admin

from portal.orders.models import (
    BankTransfer,
    CardPrice,
    FundsAccount,
    FundsLedgerEntry,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    StripeEvent,
)


class EntryInline(admin.TabularInline):
    model = FundsLedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = ["at", "kind", "amount_pence", "balance_after_pence", "reference", "recorded_by"]

    def has_add_permission(self, request, obj=None):
        return False  # the ledger is written by the services only


@admin.register(FundsAccount)
class FundsAccountAdmin(admin.ModelAdmin):
    list_display = ["organisation", "balance_pence"]
    readonly_fields = ["organisation", "balance_pence"]
    inlines = [EntryInline]


@admin.register(CardPrice)
class CardPriceAdmin(admin.ModelAdmin):
    list_display = ["card_type", "application_type", "price_pence", "member_discount_pence", "vat_rate_basis_points"]
    list_filter = ["application_type"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Orders and payments change through the services only; the admin is for looking up and support."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["kind", "application", "description", "quantity", "unit_price_pence", "discount_pence", "vat_pence",
              "total_pence", "live"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "from_status", "to_status", "what"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["reference", "your_reference", "organisation", "kind", "status", "created_at", "paid_at"]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "your_reference", "organisation__name", "payment_intent_id"]
    inlines = [OrderLineInline, OrderEventInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "order", "method", "amount_pence", "received_at"]
    list_filter = ["method"]
    search_fields = ["order__reference", "source_reference"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "payment_intent_id", "received_at", "processed_at", "outcome"]
    list_filter = ["type"]
    search_fields = ["event_id", "payment_intent_id"]


@admin.register(BankTransfer)
class BankTransferAdmin(ReadOnlyAdmin):
    list_display = ["posted_on", "description", "amount_pence", "reference_found", "status", "order"]
    list_filter = ["status"]
    search_fields = ["description", "reference_found"]
