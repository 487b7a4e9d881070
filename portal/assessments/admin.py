from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from portal.assessments import selectors, services
from portal.assessments.models import (
    AssessmentResult,
    AssessmentType,
    Booking,
    BookingEvent,
    CreditLedgerEntry,
    Question,
    Sitting,
    SittingEvent,
)


@admin.register(AssessmentType)
class AssessmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "price_pence", "duration_minutes", "question_count", "pass_mark_percent",
                    "pass_valid_years", "position", "is_active"]  # fmt: skip
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assessment_type", "topic", "correct", "is_active"]
    list_filter = ["assessment_type", "is_active", "topic"]
    search_fields = ["text", "topic"]


class CreditCorrectionForm(forms.ModelForm):
    class Meta:
        model = CreditLedgerEntry
        fields = ["organisation", "assessment_type", "change", "note"]

    def clean(self):
        cleaned = super().clean()
        organisation, kind = cleaned.get("organisation"), cleaned.get("assessment_type")
        change, note = cleaned.get("change") or 0, (cleaned.get("note") or "").strip()
        if not change:
            self.add_error("change", "Enter a number of credits other than 0.")
        if not note:
            self.add_error("note", "Say why the credits are corrected.")
        if organisation and kind and change < 0:
            held = selectors.credit_balance(organisation=organisation, assessment_type=kind)
            if held + change < 0:
                self.add_error("change", f"{organisation.name} holds only {held} credits of this type.")
        return cleaned


@admin.register(CreditLedgerEntry)
class CreditLedgerEntryAdmin(admin.ModelAdmin):
    """Append-only: entries are read here; adding one is a correction by the JIB (credits_correct: a reason, and
    the balance never below zero)."""

    list_display = ["at", "organisation", "assessment_type", "change", "reason", "booking", "order", "actor"]
    list_filter = ["reason", "assessment_type"]
    search_fields = ["organisation__name", "booking__reference", "order__reference"]
    list_select_related = ["organisation", "assessment_type", "booking", "order", "actor"]
    form = CreditCorrectionForm
    autocomplete_fields = ["organisation"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            entry = services.credits_correct(
                organisation=obj.organisation, assessment_type=obj.assessment_type, change=obj.change,
                note=obj.note, actor=request.user,
            )  # fmt: skip
        except services.AssessmentError as exc:  # a booking at the same moment took the credits
            raise ValidationError(str(exc)) from None
        obj.pk, obj.at = entry.pk, entry.at

    def has_delete_permission(self, request, obj=None):
        return False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "what"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "operative", "assessment_type", "status", "created_at"]
    list_filter = ["status", "assessment_type"]
    search_fields = ["reference", "organisation__name", "operative__last_name", "operative__ni_number"]
    list_select_related = ["organisation", "operative", "assessment_type"]
    readonly_fields = ["reference", "organisation", "office", "employment", "operative", "assessment_type", "status",
                       "consent_statement", "consent_by", "consent_at", "invite_token_hash", "invite_sent_at",
                       "invite_expires_at", "invite_used_at", "reminder_sent_at", "booked_by", "cancelled_by",
                       "cancelled_at", "completed_at"]  # fmt: skip
    inlines = [BookingEventInline]


class SittingEventInline(admin.TabularInline):
    model = SittingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "kind", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    list_display = ["booking", "started_at", "submitted_at", "score_percent", "passed", "review_outcome"]
    list_filter = ["passed", "review_outcome"]
    search_fields = ["booking__reference"]
    list_select_related = ["booking"]
    inlines = [SittingEventInline]


@admin.register(AssessmentResult)
class AssessmentResultAdmin(admin.ModelAdmin):
    list_display = ["number", "operative", "assessment_type", "taken_on", "passed", "score_percent", "expires_on"]
    list_filter = ["assessment_type", "passed"]
    search_fields = ["number", "operative__last_name", "operative__ni_number"]
    list_select_related = ["operative", "assessment_type"]
    raw_id_fields = ["operative", "booking", "hse_result"]
