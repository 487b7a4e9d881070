"""ECS Check forms: they check the input and show errors beside the fields; the rules live in services."""

from django import forms
from django.db.models import Q

from portal.contracts.models import ContractWorker
from portal.core.forms import GovukForm
from portal.core.validators import postcode_normalise
from portal.organisations.models import Organisation
from portal.registry.models import CardTypeFamily, Grade, Occupation

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class ContractForm(GovukForm):
    name = forms.CharField(label="Contract name", max_length=200)
    client_reference = forms.CharField(
        label="Your reference", max_length=60, required=False, help_text="Your own reference for this contract."
    )
    site_address = forms.CharField(label="Site address", widget=forms.Textarea(attrs={"rows": 3}))
    site_postcode = forms.CharField(
        label="Site postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    starts_on = forms.DateField(label="Start date", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="End date", widget=DATE_WIDGET)
    description = forms.CharField(
        label="Description of the work", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_site_postcode(self):
        return postcode_normalise(self.cleaned_data["site_postcode"])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return cleaned


class RequirementForm(GovukForm):
    description = forms.CharField(
        label="Kind of work", max_length=200, help_text="For example: electrical installation."
    )
    card_type_family = forms.ModelChoiceField(
        label="Card type family", queryset=CardTypeFamily.objects.all(), required=False, empty_label="Any"
    )
    occupation = forms.ModelChoiceField(
        label="Occupation",
        queryset=Occupation.objects.select_related("card_type").order_by("name"),
        required=False,
        empty_label="Any",
    )
    minimum_grade = forms.ModelChoiceField(
        label="Minimum grade",
        queryset=Grade.objects.select_related("occupation").order_by("occupation__name", "position"),
        required=False,
        empty_label="Any",
        help_text="Workers of this grade or above meet the requirement.",
    )
    apprentice_ratio = forms.IntegerField(
        label="Apprentices allowed: 1 in",
        min_value=2,
        max_value=50,
        required=False,
        help_text="For example 4 for up to one apprentice in every four workers. Leave empty for no apprentices.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].label_from_instance = lambda o: f"{o.name} ({o.card_type.name})"
        self.fields["minimum_grade"].label_from_instance = lambda g: f"{g.occupation.name}: {g.name}"


class InviteForm(GovukForm):
    """A licensed organisation by name or Companies House number, or an unlicensed company by email."""

    company = forms.CharField(
        label="Licensed organisation",
        max_length=200,
        required=False,
        help_text="Its name or Companies House number, as on its ECS Online Systems licence.",
    )
    invited_name = forms.CharField(
        label="Company name", max_length=200, required=False, help_text="Only for a company without a licence."
    )
    invited_email = forms.EmailField(
        label="Company email address",
        required=False,
        help_text="Only for a company without a licence: it is invited to apply for one.",
    )
    role = forms.CharField(
        label="Work in the contract", max_length=200, required=False, help_text="For example: electrical contractor."
    )

    def __init__(self, *args, exclude_organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclude_organisation_ids = set(exclude_organisation_ids)

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("company") or "").strip()
        email = cleaned.get("invited_email") or ""
        cleaned["organisation"] = None
        if text and email:
            self.add_error("company", "Give a licensed organisation or an email address, not both.")
        elif not text and not email and "invited_email" not in self.errors:
            self.add_error("company", "Give a licensed organisation's name or Companies House number, or an email.")
        elif text:
            found = self._find(text)
            if not found:
                self.add_error(
                    "company",
                    "No licensed organisation with ECS Check has that name or Companies House number. Check it, or "
                    "invite the company by email.",
                )
            elif len(found) > 1:
                names = ", ".join(o.name for o in found[:5])
                self.add_error(
                    "company", f"Several organisations match: {names}. Give the full name or Companies House number."
                )
            else:
                cleaned["organisation"] = found[0]
        elif email and not cleaned.get("invited_name"):
            self.add_error("invited_name", "Enter the company's name.")
        return cleaned

    def _find(self, text: str) -> list[Organisation]:
        """The organisations the text names: by Companies House number or full name, else the one whose name
        contains it (several: the user must say which)."""
        licensed = Organisation.objects.filter(is_active=True, is_jib=False, licence__ecs_check=True).exclude(
            pk__in=self.exclude_organisation_ids
        )
        number = text.replace(" ", "").upper()
        exact = licensed.filter(Q(companies_house_number__iexact=number) | Q(name__iexact=text)).first()
        if exact is not None:
            return [exact]
        return list(licensed.filter(name__icontains=text).order_by("name")[:6])


class WorkerForm(GovukForm):
    employment = forms.TypedChoiceField(label="Employee", coerce=int)
    role = forms.ChoiceField(
        label="Role on the contract", choices=ContractWorker.Role.choices, widget=forms.RadioSelect
    )
    on_from = forms.DateField(label="On the contract from", widget=DATE_WIDGET)
    off_from = forms.DateField(
        label="Off the contract from", widget=DATE_WIDGET, required=False, help_text="Leave empty if not known."
    )
    consent = forms.BooleanField(
        label="The employee has given their permission for the company to put them on this contract, and for its "
        "client and the companies above us in the supply chain to see their name and ECS card status.",
        error_messages={"required": "Confirm that the employee has given their permission."},
    )

    def __init__(self, *args, employments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employment"].choices = [("", "Choose an employee")] + [
            (e.pk, f"{e.operative.sort_name} ({e.office.name})") for e in employments
        ]

    def clean(self):
        cleaned = super().clean()
        on, off = cleaned.get("on_from"), cleaned.get("off_from")
        if on and off and off <= on:
            self.add_error("off_from", "The date off the contract must be after the date on.")
        return cleaned


class WorkerOffForm(GovukForm):
    off_from = forms.DateField(label="Off the contract from", widget=DATE_WIDGET)


class AsAtForm(GovukForm):
    """The day the workforce and its status are shown as at (an earlier day, for an audit)."""

    as_at = forms.DateField(label="Show the workforce as at", widget=DATE_WIDGET, required=False)
