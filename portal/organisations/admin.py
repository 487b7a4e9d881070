from django.contrib import admin

from portal.organisations.models import Office, Organisation, PortalUser, PortalUserEvent


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0
    fields = ["name", "kind", "parent", "postcode", "closed_at"]
    readonly_fields = ["parent"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "jib_membership_number", "eca_membership_number", "companies_house_number", "is_active"]
    search_fields = ["name", "jib_membership_number", "eca_membership_number", "companies_house_number"]
    list_filter = ["is_active", "is_jib"]
    inlines = [OfficeInline]


@admin.register(PortalUser)
class PortalUserAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "office", "is_primary_user", "removed_at"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation", "office"]
    raw_id_fields = ["user", "organisation", "office"]


@admin.register(PortalUserEvent)
class PortalUserEventAdmin(admin.ModelAdmin):
    """The record of user administration: read-only."""

    list_display = ["at", "organisation", "target", "actor", "what"]
    list_select_related = ["organisation", "target__user", "actor"]
    search_fields = ["organisation__name", "target__user__email", "actor__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
