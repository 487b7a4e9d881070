from django.contrib import admin

from portal.registry.models import Card, CardType, CardTypeFamily, HseResult, Operative, Qualification


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
