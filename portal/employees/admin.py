from django.contrib import admin

from portal.employees.models import EmployeeLookup, Employment
from portal.employees.services import employment_card_refresh, employment_names_refresh


@admin.register(Employment)
class EmploymentAdmin(admin.ModelAdmin):
    list_display = ["operative", "organisation", "office", "started_on", "left_on"]
    list_select_related = ["operative", "organisation", "office"]
    search_fields = ["operative__last_name", "operative__ni_number", "organisation__name"]
    raw_id_fields = ["operative", "organisation", "office", "confirmed_by", "left_recorded_by"]
    readonly_fields = ["card", "card_expires_on", "last_name", "first_name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        employment_card_refresh(operative_id=obj.operative_id)  # the summaries of the operative's record
        employment_names_refresh(operative_id=obj.operative_id)


@admin.register(EmployeeLookup)
class EmployeeLookupAdmin(admin.ModelAdmin):
    """The audit of searches by NI number: read-only."""

    list_display = ["looked_up_at", "looked_up_by", "organisation", "ni_number", "kind", "outcome"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["looked_up_by", "organisation"]
    search_fields = ["ni_number", "looked_up_by__email", "organisation__name"]
    date_hierarchy = "looked_up_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
