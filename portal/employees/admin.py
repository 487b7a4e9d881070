from django.contrib import admin

from portal.employees.models import Employment


@admin.register(Employment)
class EmploymentAdmin(admin.ModelAdmin):
    list_display = ["operative", "organisation", "office", "started_on", "left_on"]
    list_select_related = ["operative", "organisation", "office"]
    search_fields = ["operative__last_name", "operative__ni_number", "organisation__name"]
    raw_id_fields = ["operative", "organisation", "office", "confirmed_by", "left_recorded_by"]
