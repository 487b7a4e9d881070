from django import forms
from django.contrib import admin

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


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "team", "created_at"]
    list_filter = ["team"]
    raw_id_fields = ["owner"]
