import re

from django import forms
from django.utils import timezone

from portal.core.forms import GovukForm
from portal.core.validators import phone_normalise, postcode_normalise
from portal.documents.validators import validate_pdf
from portal.licensing.models import AssessmentType, OrganisationKind, Position

COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class LicenceApplicationForm(GovukForm):
    """Seeds 000 and 001: one form for members and non-members."""

    organisation_name = forms.CharField(label="Organisation title / business name", max_length=200)
    address = forms.CharField(label="Main address", widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "autocomplete": "postal-code"}),
    )
    telephone = forms.CharField(
        label="Main telephone number",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "tel"}),
    )
    contact_email = forms.EmailField(label="Email for updates about this application")
    services = forms.MultipleChoiceField(
        label="Which ECS Online Systems do you want to use?",
        widget=forms.CheckboxSelectMultiple,
        choices=[("employer_portal", "ECS Employer Portal"), ("ecs_check", "ECS Check - Client and Supply Chain"),
                 ("assessments", "ECS Assessments - Remote Invigilation")],
        error_messages={"required": "Choose at least one of the ECS Online Systems."},
    )  # fmt: skip
    assessment_types = forms.MultipleChoiceField(
        label="ECS Assessments the company requires access to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=AssessmentType.choices,
        help_text="Only if you chose ECS Assessments. The type of an assessment cannot be changed after booking.",
    )
    jib_membership_number = forms.CharField(label="JIB membership number", max_length=20, required=False)
    eca_membership_number = forms.CharField(label="ECA membership number", max_length=20, required=False)
    companies_house_number = forms.CharField(
        label="Companies House registration number",
        max_length=8,
        required=False,
        help_text="If you are not a JIB or ECA member: 8 characters, like 01234567 or SC123456, or N/A if the "
        "organisation is not incorporated.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    accounts = forms.FileField(
        label="Last financial year's consolidated accounts",
        required=False,
        help_text="If you are not a JIB or ECA member: a PDF of at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    directly_employed_operatives = forms.IntegerField(
        label="Number of directly employed operatives", min_value=0, max_value=1_000_000
    )
    organisation_kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        widget=forms.RadioSelect,
        choices=OrganisationKind.choices,
        initial=OrganisationKind.CONTRACTOR,
        required=False,
        help_text="ECS Check shows it to the other companies in a contract's supply chain.",
    )
    signatory_name = forms.CharField(label="Name of signatory", max_length=200)
    signatory_job_title = forms.CharField(label="Job title", max_length=100)
    signatory_position = forms.ChoiceField(
        label="Position",
        widget=forms.RadioSelect,
        choices=Position.choices,
        help_text="The CEO, a Director, the Company Secretary or someone else with senior authority signs.",
    )
    signed_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    terms_accepted = forms.BooleanField(
        label="I, the undersigned, wish to apply for a licence to administer the ECS Online Systems for the "
        "organisation named and I have read, and agree to comply with, the terms and conditions.",
        error_messages={"required": "You must accept the terms and conditions to apply."},
    )
    primary_title = forms.ChoiceField(
        label="Title", required=False, choices=[("", "")] + [(t, t) for t in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")]
    )
    primary_first_name = forms.CharField(label="Forename", max_length=100)
    primary_last_name = forms.CharField(label="Surname", max_length=100)
    primary_email = forms.EmailField(label="Email")
    primary_telephone = forms.CharField(
        label="Primary User telephone",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "tel"}),
    )
    primary_mobile = forms.CharField(
        label="Mobile phone number",
        max_length=20,
        help_text="A personal mobile number for the Primary User, for the two-factor sign-in.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "type": "tel", "autocomplete": "tel"}
        ),
    )

    def __init__(self, *args, held_accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.held_accounts = held_accounts  # a HeldFile: the accounts PDF chosen on an earlier try

    def clean_postcode(self):
        return postcode_normalise(self.cleaned_data["postcode"])

    def clean_telephone(self):
        return phone_normalise(self.cleaned_data["telephone"])

    def clean_primary_telephone(self):
        value = self.cleaned_data["primary_telephone"]
        return phone_normalise(value) if value else ""

    def clean_primary_mobile(self):
        return phone_normalise(self.cleaned_data["primary_mobile"], mobile=True)

    def clean_companies_house_number(self):
        value = self.cleaned_data["companies_house_number"].strip().upper().replace(" ", "")
        if value in ("NA", "N/A"):
            return "N/A"
        if value and not COMPANY_NUMBER.match(value):
            raise forms.ValidationError(
                "Enter the Companies House number as 8 characters, like 01234567 or SC123456, or N/A."
            )
        return value

    def clean_accounts(self):
        accounts = self.cleaned_data.get("accounts")
        if accounts:
            validate_pdf(accounts, what="The accounts file")
        elif self.held_accounts is not None:
            return self.held_accounts.open()  # chosen on an earlier try, checked then
        return accounts

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        today = timezone.localdate()
        if signed > today or (today - signed).days > 90:
            raise forms.ValidationError("Enter the date you sign the application: today or within the last 3 months.")
        return signed

    def clean(self):
        data = super().clean()
        member = data.get("jib_membership_number") or data.get("eca_membership_number")
        if not member:
            if "companies_house_number" in data and not data.get("companies_house_number"):
                self.add_error("companies_house_number", "Non-members must give the Companies House number, or N/A.")
            if "accounts" in data and not data.get("accounts"):
                self.add_error("accounts", "Non-members must upload the last financial year's consolidated accounts.")
        data["organisation_kind"] = data.get("organisation_kind") or OrganisationKind.CONTRACTOR
        services = data.get("services") or []
        if "assessments" in services and not data.get("assessment_types"):
            self.add_error("assessment_types", "Choose the ECS Assessments the company requires.")
        if "assessments" not in services and data.get("assessment_types"):
            self.add_error("assessment_types", "Assessment types only apply if you chose ECS Assessments.")
        return data

    def application_data(self) -> dict:
        data = dict(self.cleaned_data)
        services = data.pop("services")
        data.pop("accounts", None)
        data.update(
            wants_employer_portal="employer_portal" in services,
            wants_ecs_check="ecs_check" in services,
            wants_assessments="assessments" in services,
        )
        return data


class InformationResponseForm(GovukForm):
    response = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 6}))
    upload = forms.FileField(label="A supporting document (PDF, at most 10 MB)", required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))  # fmt: skip

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            validate_pdf(upload, what="The document")
        return upload
