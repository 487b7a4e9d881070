from django.contrib import admin

from portal.orders.models import FundsAccount, FundsLedgerEntry


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
