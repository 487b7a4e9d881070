from django.contrib import admin

from portal.licensing.models import CaseEvent, Licence, LicenceApplication, LicenceEvent, MembershipRecord


@admin.register(MembershipRecord)
class MembershipRecordAdmin(admin.ModelAdmin):
    list_display = ["scheme", "number", "company_name", "is_current"]
    list_filter = ["scheme", "is_current"]
    search_fields = ["number", "company_name"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["at", "actor", "from_status", "to_status", "what"]
    can_delete = False


@admin.register(LicenceApplication)
class LicenceApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation_name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["reference", "organisation_name", "primary_email"]
    readonly_fields = ["reference", "status", "findings", "organisation"]
    inlines = [CaseEventInline]


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0
    readonly_fields = ["at", "actor", "what"]
    can_delete = False


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["organisation", "employer_portal", "ecs_check", "assessments", "granted_at"]
    inlines = [LicenceEventInline]
