from django.contrib import admin

from portal.employees.services import employment_card_refresh, employment_names_refresh
from portal.registry import services
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


def _cards_changed(operative_ids) -> None:
    """Cards written or deleted by hand: their holders' employments carry their current card again."""
    for operative_id in sorted(set(operative_ids) - {None}):
        employment_card_refresh(operative_id=operative_id)


class CardInline(admin.TabularInline):
    model = Card
    extra = 0
    autocomplete_fields = ["card_type"]


class HseResultInline(admin.TabularInline):
    model = HseResult
    extra = 0
    readonly_fields = ["expires_on"]


def _hse_result_save(result: HseResult, *, adding: bool, actor) -> None:
    """Results recorded by hand go through the registry services: the expiry follows from the result, and a pass
    releases the operative's applications on conditional hold."""
    if adding:
        created = services.hse_result_record(
            operative=result.operative, number=result.number, taken_on=result.taken_on, passed=result.passed,
            score=result.score, actor=actor,
        )  # fmt: skip
        result.pk, result.expires_on = created.pk, created.expires_on
        result._state.adding, result._state.db = False, created._state.db
    else:
        services.hse_result_change(result=result, actor=actor)


@admin.register(HseResult)
class HseResultAdmin(admin.ModelAdmin):
    list_display = ["number", "operative", "taken_on", "passed", "score", "expires_on"]
    list_filter = ["passed"]
    search_fields = ["number", "operative__last_name", "operative__ni_number"]
    list_select_related = ["operative"]
    raw_id_fields = ["operative"]
    readonly_fields = ["expires_on"]

    def save_model(self, request, obj, form, change):
        _hse_result_save(obj, adding=not change, actor=request.user)


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(Operative)
class OperativeAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "ni_number", "date_of_birth"]
    search_fields = ["last_name", "first_name", "ni_number", "cards__number"]
    inlines = [CardInline, HseResultInline, QualificationInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            employment_names_refresh(operative_id=obj.pk)  # the employments' copies of the names

    def save_formset(self, request, form, formset, change):
        if formset.model is Card:
            super().save_formset(request, form, formset, change)
            return _cards_changed({form.instance.pk})
        if formset.model is not HseResult:
            return super().save_formset(request, form, formset, change)
        for result in formset.save(commit=False):
            _hse_result_save(result, adding=result.pk is None, actor=request.user)
        for result in formset.deleted_objects:
            result.delete()


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["number", "operative", "card_type", "issued_on", "expires_on", "cancelled_at"]
    search_fields = ["number", "operative__last_name", "operative__ni_number"]
    list_select_related = ["operative", "card_type"]
    raw_id_fields = ["operative"]

    def save_model(self, request, obj, form, change):
        before = Card.objects.filter(pk=obj.pk).values_list("operative_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        _cards_changed({before, obj.operative_id})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _cards_changed({obj.operative_id})

    def delete_queryset(self, request, queryset):
        holders = set(queryset.values_list("operative_id", flat=True))
        super().delete_queryset(request, queryset)
        _cards_changed(holders)


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
