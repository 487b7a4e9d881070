from django.contrib import admin

from portal.contracts.models import Contract, ContractEvent, ContractParty, ContractRequirement, ContractWorker


class RequirementInline(admin.TabularInline):
    model = ContractRequirement
    extra = 0
    raw_id_fields = ["card_type_family", "occupation", "minimum_grade"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "client_reference", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    list_select_related = ["client"]
    search_fields = ["name", "client_reference", "client__name", "site_postcode"]
    raw_id_fields = ["client", "created_by"]
    inlines = [RequirementInline]


@admin.register(ContractParty)
class ContractPartyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contract", "tier", "status", "invited_at", "responded_at"]
    list_filter = ["status", "tier"]
    list_select_related = ["contract", "organisation"]
    search_fields = ["organisation__name", "invited_email", "invited_name", "contract__name"]
    raw_id_fields = ["contract", "organisation", "parent", "invited_by", "responded_by"]
    readonly_fields = ["path", "tier"]


@admin.register(ContractWorker)
class ContractWorkerAdmin(admin.ModelAdmin):
    list_display = ["operative", "contract", "party", "role", "on_from", "off_from", "removed_at"]
    list_filter = ["role"]
    list_select_related = ["operative", "contract", "party__organisation"]
    search_fields = ["operative__last_name", "contract__name"]
    raw_id_fields = [
        "contract",
        "party",
        "operative",
        "employment",
        "added_by",
        "removed_by",
        "consent_confirmed_by",
    ]


@admin.register(ContractEvent)
class ContractEventAdmin(admin.ModelAdmin):
    """The history of contracts: read-only."""

    list_display = ["at", "contract", "kind", "what", "actor"]
    list_filter = ["kind"]
    list_select_related = ["contract", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
