from django import forms

from portal.core.forms import GovukForm
from portal.core.validators import phone_normalise, postcode_normalise
from portal.organisations.models import Office
from portal.organisations.permissions import BUNDLES, Flag

TITLES = [("", "")] + [(t, t) for t in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")]


def office_choices(offices):
    return [(o.pk, f"{'— ' * o.depth}{o.name}") for o in offices]


class ContactFields(GovukForm):
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    telephone = forms.CharField(label="Telephone", max_length=20, required=False)
    email = forms.EmailField(label="Email", required=False)

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        return postcode_normalise(value) if value else ""

    def clean_telephone(self):
        value = self.cleaned_data["telephone"]
        return phone_normalise(value) if value else ""


class OfficeForm(ContactFields):
    name = forms.CharField(label="Name", max_length=200)
    field_order = ["name", "kind", "parent", "address", "postcode", "telephone", "email"]


class NewOfficeForm(OfficeForm):
    kind = forms.ChoiceField(label="Kind", choices=[(Office.Kind.REGION, "Region"), (Office.Kind.OFFICE, "Office")])
    parent = forms.TypedChoiceField(label="Below", coerce=int)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = office_choices(offices)


class MoveOfficeForm(GovukForm):
    parent = forms.TypedChoiceField(label="Move below", coerce=int)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = office_choices(offices)


class EmployerDetailsForm(ContactFields):
    name = forms.CharField(label="Organisation name", max_length=200)
    field_order = ["name", "address", "postcode", "telephone", "email"]


class PermissionsForm(GovukForm):
    """Office and flags; a "Full … Access" bundle box grants all of its flags."""

    office = forms.TypedChoiceField(
        label="Office", coerce=int, help_text="The user's permissions apply to this office and every office below it."
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = office_choices(offices)
        for flag in Flag:
            self.fields[flag.value] = forms.BooleanField(label=flag.label, required=False, widget=checkbox())
        for name in BUNDLES:
            self.fields[f"bundle_{slug(name)}"] = forms.BooleanField(
                label=f"{name} (all of these)", required=False, widget=checkbox(bundle=slug(name))
            )

    def groups(self):
        """(bundle field, [flag fields]) for the template, in the portal's order."""
        return [(self[f"bundle_{slug(name)}"], [self[f.value] for f in flags]) for name, flags in BUNDLES.items()]

    def chosen_flags(self) -> set[Flag]:
        chosen = {flag for flag in Flag if self.cleaned_data.get(flag.value)}
        for name, flags in BUNDLES.items():
            if self.cleaned_data.get(f"bundle_{slug(name)}"):
                chosen.update(flags)
        return chosen


class AddUserForm(PermissionsForm):
    who = forms.ChoiceField(
        label="Add",
        widget=forms.RadioSelect,
        choices=[("new", "Create a new user"), ("existing", "Select an existing user (by their email address)")],
        initial="new",
    )
    title = forms.ChoiceField(label="Title", choices=TITLES, required=False)
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    email = forms.EmailField(label="Email address")
    telephone = forms.CharField(label="Telephone", max_length=20, required=False)
    mobile = forms.CharField(
        label="Mobile phone number", max_length=20, required=False, help_text="For the two-factor sign-in codes."
    )

    def clean(self):
        data = super().clean()
        if data.get("who") == "new":
            for name in ("first_name", "last_name", "mobile"):
                if not data.get(name):
                    self.add_error(name, f"Enter the {self.fields[name].label.lower()}.")
            if data.get("mobile"):
                try:
                    data["mobile"] = phone_normalise(data["mobile"], mobile=True)
                except forms.ValidationError as exc:
                    self.add_error("mobile", exc)
            if data.get("telephone"):
                try:
                    data["telephone"] = phone_normalise(data["telephone"])
                except forms.ValidationError as exc:
                    self.add_error("telephone", exc)
        return data


def checkbox(bundle: str = "") -> forms.CheckboxInput:
    attrs = {"class": "govuk-checkboxes__input"}
    if bundle:
        attrs["data-bundle"] = bundle
    return forms.CheckboxInput(attrs=attrs)


def slug(name: str) -> str:
    return name.lower().replace(" ", "_")
