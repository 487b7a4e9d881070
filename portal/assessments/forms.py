from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from portal.core.forms import GovukForm
from portal.orders.forms import OrderDetailsForm


class AssessmentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} – £{obj.price_pence / 100:,.2f} a credit"


class BookedTypeChoiceField(forms.ModelChoiceField):
    """A type with the credits held (`balances`: type id to credits)."""

    balances: dict = {}

    def label_from_instance(self, obj):
        held = self.balances.get(obj.pk, 0)
        return f"{obj.name} ({held} credit{'s' if held != 1 else ''} held)"


class CreditOrderForm(OrderDetailsForm):
    """Buy credits of one assessment type: the order's details, then payment on the orders' payment page."""

    assessment_type = AssessmentTypeChoiceField(
        label="Assessment type", queryset=None, empty_label=None, widget=forms.RadioSelect,
        help_text="Choose carefully: a booking's type cannot be changed afterwards.",
    )  # fmt: skip
    quantity = forms.IntegerField(
        label="Quantity of credits", min_value=1, max_value=500, initial=1,
        help_text="One credit books one delegate for one assessment of this type.",
    )  # fmt: skip

    field_order = ["assessment_type", "quantity", "your_reference", "office", "billing_office", "accounts_contact"]

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["deliver_to"]
        del self.fields["delivery_attention"]
        self.fields["assessment_type"].queryset = types


class BookingForm(GovukForm):
    """Book ticked employees for one type: each ticked row needs the email address the delegate's link goes to."""

    assessment_type = BookedTypeChoiceField(
        label="Assessment type", queryset=None, empty_label=None, widget=forms.RadioSelect,
        help_text="The type cannot be changed after booking: a wrong booking means booking and paying again.",
    )  # fmt: skip
    employee = forms.TypedMultipleChoiceField(
        label="Employees to book", coerce=int, choices=(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one employee to book."},
    )  # fmt: skip
    consent = forms.BooleanField(
        label="Each employee ticked has given their permission to be booked for this assessment",
        help_text="They agree to be assessed by remote invigilation: a webcam photograph and photo ID are recorded "
        "and compared with their ECS record, and the result is added to their ECS record.",
        error_messages={"required": "Confirm that each employee has given their permission to be booked."},
    )

    def __init__(self, *args, types, employees, balances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_type"].queryset = types
        self.fields["assessment_type"].balances = balances
        self.employees = list(employees)
        self.fields["employee"].choices = [(e.pk, e.operative.full_name) for e in self.employees]
        for employment in self.employees:
            name = employment.operative.full_name
            self.fields[f"email_{employment.pk}"] = forms.CharField(
                label=f"Email address for {name}", required=False, max_length=254,
                initial=getattr(employment, "known_email", "") or "",
            )  # fmt: skip
            self.fields[f"mobile_{employment.pk}"] = forms.CharField(
                label=f"Mobile number for {name}", required=False, max_length=20,
                initial=getattr(employment, "known_mobile", "") or "",
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        for employment in self.employees:
            if employment.pk not in (cleaned.get("employee") or []):
                continue
            field = f"email_{employment.pk}"
            email = (cleaned.get(field) or "").strip()
            if not email:
                self.add_error(field, f"Enter the email address for {employment.operative.full_name}")
                continue
            try:
                validate_email(email)
            except ValidationError:
                self.add_error(field, f"Enter the email address for {employment.operative.full_name} "
                               "in the correct format, like name@example.com")  # fmt: skip
        return cleaned

    def rows(self):
        """Each employee with their tick box state and their two fields, for the table."""
        chosen = {
            str(v) for v in (self.data.getlist("employee") if self.is_bound else self.initial.get("employee", []))
        }
        for employment in self.employees:
            yield {
                "employment": employment,
                "checked": str(employment.pk) in chosen,
                "email": self[f"email_{employment.pk}"],
                "mobile": self[f"mobile_{employment.pk}"],
            }

    def delegates(self):
        """(employment, email, mobile) for each ticked employee, in the order listed."""
        ticked = set(self.cleaned_data["employee"])
        return [
            (e, self.cleaned_data[f"email_{e.pk}"].strip(), self.cleaned_data[f"mobile_{e.pk}"].strip())
            for e in self.employees
            if e.pk in ticked
        ]
