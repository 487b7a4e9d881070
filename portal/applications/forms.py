"""The employer's forms: choosing card types, and steps 1, 3 and 4 of an application."""

from django import forms
from django.core.exceptions import ValidationError

from portal.applications.selectors import Availability, OccupationOptions, occupations_problems
from portal.core.forms import GovukForm
from portal.core.validators import phone_normalise
from portal.documents.photo import photo_check
from portal.registry.models import Grade, Occupation

PHOTO_GUIDANCE_URL = (
    "https://ecsprodstorkentico.blob.core.windows.net/ecs-public-media/jib.ecs.portals.web/media/root/downloads/"
    "documents/ecs-photo-guidance.pdf"
)


class ChooseTypesForm(GovukForm):
    """One card type per chosen employee: `type_<employment pk>`, offering only what they may apply for."""

    def __init__(self, *args, availability: dict[int, Availability], **kwargs):
        super().__init__(*args, **kwargs)
        self.availability = availability
        for pk, available in availability.items():
            if available.choices:
                name = available.employment.operative.sort_name
                self.fields[f"type_{pk}"] = forms.ChoiceField(
                    label=f"Card type for {name}",
                    choices=[("", "Choose a card type"), *[(c.key, c.label) for c in available.choices]],
                    error_messages={"required": f"Choose the card type for {name}."},
                )

    def rows(self):
        """(availability, bound field or None) per employee, in the order given."""
        return [(a, self[f"type_{pk}"] if f"type_{pk}" in self.fields else None) for pk, a in self.availability.items()]

    def choices(self) -> list[tuple]:
        return [(self.availability[pk].employment, self.cleaned_data[f"type_{pk}"]) for pk in self.availability
                if f"type_{pk}" in self.cleaned_data]  # fmt: skip


class ApplicantForm(GovukForm):
    business_phone = forms.CharField(
        label="Business phone (direct dial)",
        max_length=30,
        help_text="The applicant's direct line at work, like 0161 496 0000.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "class": "govuk-input govuk-input--width-20"}),
    )
    business_email = forms.EmailField(
        label="Business email (direct email)",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="A JPEG or PNG, at least 600 × 750 pixels, passport style on a plain light background.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, has_photo: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_photo = has_photo
        photo = self.fields["photo"]
        photo.required = not has_photo
        photo.error_messages["required"] = "Upload a photo of the applicant."
        if has_photo:
            photo.label = "Replace the photo"

    def clean_business_phone(self):
        return phone_normalise(self.cleaned_data["business_phone"])

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        check = photo_check(photo)
        if not check.ok:
            raise ValidationError(check.reasons)
        photo.seek(0)
        return photo


class OccupationsForm(GovukForm):
    main_occupation = forms.ModelChoiceField(
        label="Main occupation",
        queryset=Occupation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the main occupation."},
    )
    grade = forms.ModelChoiceField(
        label="Grade",
        queryset=Grade.objects.none(),
        required=False,
        empty_label="No grade (the occupation has none)",
        help_text="Where the main occupation has grades, the grade applied for.",
    )
    additional_occupations = forms.ModelMultipleChoiceField(
        label="Additional occupations",
        queryset=Occupation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registered_electrician = forms.BooleanField(
        label="Register for the ECS Registered Electrician scheme",
        required=False,
        help_text="For qualified electricians: the scheme shows on the card and on the ECS record.",
    )
    qualified_supervisor = forms.BooleanField(
        label="Apply for Qualified Supervisor status",
        required=False,
        help_text="For an electrician applying above the entry grade. A user who may endorse it will be asked to.",
    )

    def __init__(self, *args, options: OccupationOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        mains = options.main_allowed()
        self.fields["main_occupation"].queryset = Occupation.objects.filter(pk__in=[o.pk for o in mains])
        self.fields["main_occupation"].choices = [(o.pk, o.name) for o in mains]
        grades = [(o.name, [(g.pk, g.name) for g in o.grades.all()]) for o in mains if o.grades.all()]
        self.fields["grade"].queryset = Grade.objects.filter(occupation__in=[o.pk for o in mains])
        if len(grades) == len(mains):  # every occupation offered has grades: a grade is needed
            self.fields["grade"].required = True
            self.fields["grade"].error_messages["required"] = "Choose the grade."
            self.fields["grade"].choices = [("", "Choose a grade"), *grades]
        else:
            self.fields["grade"].choices = [("", "No grade (the occupation has none)"), *grades]
        extras = options.additional_allowed()
        self.fields["additional_occupations"].queryset = Occupation.objects.filter(pk__in=[o.pk for o in extras])
        self.fields["additional_occupations"].choices = [(o.pk, o.name) for o in extras]
        if not extras:
            del self.fields["additional_occupations"]
        if not any(options.registered_electrician_offered(o) for o in mains):
            del self.fields["registered_electrician"]
        if not any(options.is_electrician(o) for o in mains) or options.qualified_supervisor_since is not None:
            del self.fields["qualified_supervisor"]
        if not grades:
            del self.fields["grade"]

    def clean(self):
        data = super().clean()
        main = data.get("main_occupation")
        if main is None:
            return data
        main = next(o.occupation for o in self.options.main if o.occupation.pk == main.pk)  # with its grades
        problems = occupations_problems(
            options=self.options,
            main_occupation=main,
            grade=data.get("grade"),
            additional=list(data.get("additional_occupations") or []),
            registered_electrician=data.get("registered_electrician", False),
            qualified_supervisor=data.get("qualified_supervisor", False),
        )
        for name, message in problems.items():
            self.add_error(name if name in self.fields else None, message)
        return data


class FinaliseForm(GovukForm):
    declaration = forms.BooleanField(
        label="I have read and agree with the terms and conditions and understand there is no refund policy",
        error_messages={"required": "Tick the declaration to confirm you agree with the terms and conditions."},
    )
