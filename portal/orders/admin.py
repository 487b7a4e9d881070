from django.contrib import admin

from portal.orders.models import CardPrice, FundsAccount, FundsLedgerEntry


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
