from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.accounts.models import Invitation, SmsMessage, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "is_jib_staff", "is_active", "is_superuser"]
    list_filter = ["is_jib_staff", "is_active", "is_superuser", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["title", "first_name", "last_name", "telephone", "mobile"]}),
        ("Access", {"fields": ["is_active", "is_jib_staff", "groups", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "first_name", "last_name", "mobile", "password1", "password2"]})]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "body"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made and closed by the system."""

    list_display = ["user", "created_at", "expires_at", "used_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__last_name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
