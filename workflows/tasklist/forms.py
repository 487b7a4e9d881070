from django import forms

from portal.accounts.access import jib_teams_of
from portal.accounts.models import JibTeam
from portal.core.forms import GovukForm
from workflows.tasklist.selectors import WorkFilter
from workflows.tasklist.steps import step_title

WHO = [("", "Anyone"), ("unassigned", "Nobody yet"), ("me", "Me"), ("others", "Someone else")]
DUE = [("", "Any time"), ("overdue", "Late"), ("today", "Due today or late"), ("week", "Due within a week")]
PRIORITY = [("", "Any priority"), ("raised", "Answered or urgent"), ("urgent", "Urgent only")]


class FilterForm(GovukForm):
    """The list's filter (GET): search words, step, who holds the task, due, priority."""

    q = forms.CharField(label="Reference, applicant or organisation", required=False, max_length=100)
    step = forms.ChoiceField(label="Step", required=False)
    who = forms.ChoiceField(label="Held by", required=False, choices=WHO)
    due = forms.ChoiceField(label="Due", required=False, choices=DUE)
    priority = forms.ChoiceField(label="Priority", required=False, choices=PRIORITY)

    def __init__(self, *args, steps=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", "Every step")] + [(ref, step_title(ref)) for ref in steps]
        self.fields["who"].choices = WHO + [
            (str(person.pk), person.get_full_name() or person.email) for person in people
        ]
        for field in self.fields.values():
            field.required_when = "filtering"  # every filter is optional: the field template leaves out "(optional)"

    def work_filter(self) -> WorkFilter:
        if not self.is_valid():
            return WorkFilter.from_params({name: self.data.get(name, "") for name in ("q",)})
        return WorkFilter.from_params(self.cleaned_data)


class AssignForm(GovukForm):
    assignee = forms.TypedChoiceField(label="Assign to", coerce=int, empty_value=None)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Choose a colleague")] + [
            (person.pk, person.get_full_name() or person.email) for person in colleagues
        ]
        self.colleagues = {person.pk: person for person in colleagues}


class BulkAssignForm(AssignForm):
    tasks = forms.TypedMultipleChoiceField(label="Tasks", coerce=int, required=False)

    def __init__(self, *args, task_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = [(pk, str(pk)) for pk in task_ids]

    def clean_tasks(self):
        tasks = self.cleaned_data["tasks"]
        if not tasks:
            raise forms.ValidationError("Tick the tasks to assign.")
        return tasks


class SaveFilterForm(GovukForm):
    name = forms.CharField(label="Name of the filter", max_length=80)
    team = forms.ChoiceField(label="Who can use it", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = jib_teams_of(user) if user is not None else frozenset()
        self.fields["team"].choices = [("", "Only me")] + [
            (value, f"Everyone in {label}") for value, label in JibTeam.choices if value in teams
        ]
