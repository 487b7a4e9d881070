from django import forms
from django.contrib import admin

from workflows.tasklist import services
from workflows.tasklist.models import SavedFilter, ServiceLevel
from workflows.tasklist.steps import human_steps, step_title


class ServiceLevelForm(forms.ModelForm):
    flow_task = forms.ChoiceField(label="Step")

    class Meta:
        model = ServiceLevel
        fields = ["flow_task", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flow_task"].choices = [(ref, step_title(ref)) for ref in human_steps()]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    form = ServiceLevelForm
    list_display = ["step", "days", "updated_at"]

    @admin.display(description="Step", ordering="flow_task")
    def step(self, obj: ServiceLevel) -> str:
        return step_title(obj.flow_task)

    # Through the service, so that the due dates of the step's open tasks move with the service level.
    def save_model(self, request, obj, form, change):
        previous = form.initial.get("flow_task") if change else None
        if previous and previous != obj.flow_task:
            services.service_level_set(flow_task=previous, days=None)
        saved = services.service_level_set(flow_task=obj.flow_task, days=obj.days)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at

    def delete_model(self, request, obj):
        services.service_level_set(flow_task=obj.flow_task, days=None)

    def delete_queryset(self, request, queryset):
        for level in queryset:
            services.service_level_set(flow_task=level.flow_task, days=None)


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "team", "created_at"]
    list_filter = ["team"]
    raw_id_fields = ["owner"]
