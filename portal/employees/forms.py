from django import forms
from django.utils import timezone

from portal.core.forms import GovukForm, clear_error_messages
from portal.registry.models import Operative
from portal.registry.validators import ni_number_normalise, validate_ni_number, validate_worker_date_of_birth

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class NiNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "National Insurance number")
        kwargs.setdefault("help_text", "For example, QQ 12 34 56 C")
        kwargs.setdefault("max_length", 13)
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input govuk-input--width-10", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if value:
            validate_ni_number(value)
            value = ni_number_normalise(value)
        return value


class DateOfBirthField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Date of birth")
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            validate_worker_date_of_birth(value)
        return value


class LookupForm(GovukForm):
    ni_number = NiNumberField()
    date_of_birth = DateOfBirthField()
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    card_number = forms.CharField(label="ECS card number", max_length=12, required=False)
    hse_number = forms.CharField(label="H&S assessment number", max_length=20, required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("last_name", "card_number", "hse_number")):
            raise forms.ValidationError(
                "Enter at least one other piece of information: last name, ECS card number or H&S assessment number."
            )
        return data


def _office_choices(offices):
    return [(o.pk, f"{'— ' * o.depth}{o.name}") for o in offices]


class ConfirmForm(GovukForm):
    """Start date, office and the declaration (user guide 1.2)."""

    started_on = forms.DateField(label="Started work on", widget=DATE_WIDGET)
    office = forms.TypedChoiceField(label="Office", coerce=int)
    declaration = forms.BooleanField(
        label="I confirm the declaration above",
        error_messages={"required": "Confirm that the operative started work with you and gave permission."},
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = _office_choices(offices)

    def clean_started_on(self):
        started = self.cleaned_data["started_on"]
        if started > timezone.localdate():
            raise forms.ValidationError("The start date cannot be in the future.")
        return started


class NewOperativeForm(ConfirmForm):
    title = forms.ChoiceField(
        label="Title", required=False, choices=[("", "")] + [(t, t) for t in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")]
    )
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    ni_number = NiNumberField()
    date_of_birth = DateOfBirthField()
    gender = forms.ChoiceField(label="Gender", choices=Operative.Gender.choices, required=False)

    field_order = ["title", "first_name", "last_name", "ni_number", "date_of_birth", "gender", "started_on", "office",
                   "declaration"]  # fmt: skip


class LeaveForm(GovukForm):
    left_on = forms.DateField(label="Date they left", widget=DATE_WIDGET)

    def clean_left_on(self):
        left = self.cleaned_data["left_on"]
        if left > timezone.localdate():
            raise forms.ValidationError("The leaving date cannot be in the future.")
        return left


class OfficeForm(GovukForm):
    office = forms.TypedChoiceField(label="Office", coerce=int)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = _office_choices(offices)


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label="Name, NI number or card number", required=False)
    office = forms.TypedChoiceField(label="Office", coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label="Card status",
        required=False,
        choices=[("", "Any"), ("valid", "Valid"), ("expiring", "Expiring soon"), ("expired", "Expired"),
                 ("none", "No card")],
    )  # fmt: skip
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("name", "Name A to Z"), ("-name", "Name Z to A"), ("expiry", "Card expiry, soonest first"),
                 ("-expiry", "Card expiry, latest first"), ("-started", "Newest employees first")],
    )  # fmt: skip

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", "All offices")] + _office_choices(offices)
        clear_error_messages(self)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "govuk-input govuk-input--width-20" if name == "q" else "govuk-select"
