from django.contrib import admin

from portal.registry.models import (
    AwardingBody,
    Card,
    CardType,
    CardTypeFamily,
    Grade,
    HseExemption,
    HseResult,
    Occupation,
    OccupationRequirement,
    Operative,
    Qualification,
    QualificationType,
    ReferenceType,
)


@admin.register(CardTypeFamily)
class CardTypeFamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]


@admin.register(CardType)
class CardTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "short_name", "colour", "duration_months", "renewable", "renewal_window_months",
                    "is_active"]  # fmt: skip
    list_filter = ["family", "renewable", "is_active"]
    search_fields = ["name", "short_name"]


class CardInline(admin.TabularInline):
    model = Card
    extra = 0
    autocomplete_fields = ["card_type"]


class HseResultInline(admin.TabularInline):
    model = HseResult
    extra = 0


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(Operative)
class OperativeAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "ni_number", "date_of_birth"]
    search_fields = ["last_name", "first_name", "ni_number", "cards__number"]
    inlines = [CardInline, HseResultInline, QualificationInline]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["number", "operative", "card_type", "issued_on", "expires_on", "cancelled_at"]
    search_fields = ["number", "operative__last_name", "operative__ni_number"]
    list_select_related = ["operative", "card_type"]
    raw_id_fields = ["operative"]


@admin.register(AwardingBody)
class AwardingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "reference_label", "asks_learner_reference", "is_active"]


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ["title", "awarding_body", "code"]
    list_filter = ["awarding_body"]
    search_fields = ["title", "code"]


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0


class RequirementInline(admin.TabularInline):
    model = OccupationRequirement
    extra = 0
    filter_horizontal = ["any_of"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "card_type", "can_be_main", "can_be_additional", "position"]
    list_filter = ["card_type"]
    inlines = [GradeInline, RequirementInline]


admin.site.register(ReferenceType)
admin.site.register(HseExemption)
