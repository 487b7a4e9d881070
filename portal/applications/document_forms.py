"""Step 2's forms: an upload, certificate or reference details entered by hand, and the HS&E choice."""

from django import forms
from django.core.exceptions import ValidationError

from portal.applications.models import CardApplication
from portal.core.forms import GovukForm
from portal.documents.validators import validate_document
from portal.registry.models import AwardingBody, HseExemption, QualificationType, ReferenceType

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})
FILE_HINT = "A PDF, JPEG or PNG file of 10 MB or less."


class DocumentFileField(forms.FileField):
    """A certificate or evidence file, checked by what it is; `clean` returns (file, content type)."""

    def __init__(self, *, what: str = "The document", **kwargs):
        kwargs.setdefault("help_text", FILE_HINT)
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Choose the file to upload.",
                "empty": "The chosen file is empty.",
                "invalid": "Choose a file.",
            },
        )
        super().__init__(**kwargs)
        self.what = what
        self.widget.attrs.update({"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if not file:
            return None
        try:
            content_type = validate_document(file, what=self.what)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=exc.code) from None
        file.validated_content_type = content_type
        return file


class UploadForm(GovukForm):
    prefix = "upload"
    file = DocumentFileField(label="Certificate or document", what="The document")


def source_choices() -> list:
    bodies = [(f"body-{b.pk}", b.name) for b in AwardingBody.objects.filter(is_active=True)]
    references = [(f"ref-{r.pk}", r.name) for r in ReferenceType.objects.all()]
    return [("", "Choose…"), ("Awarding body", bodies), ("Reference type", references)]


class SourceForm(GovukForm):
    """Which awarding body or reference type the details are for (a GET form: the next form depends on it)."""

    source = forms.ChoiceField(label="Awarding body or reference type", choices=())

    def __init__(self, *args, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = choices


class CertificateDetailsForm(GovukForm):
    prefix = "manual"
    source = forms.CharField(widget=forms.HiddenInput)
    certificate_number = forms.CharField(max_length=40)
    learner_reference = forms.CharField(
        label="Unique learner number (ULN)",
        max_length=40,
        required=False,
        help_text="As shown on the learner record.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "spellcheck": "false"}),
    )
    qualification_type = forms.ModelChoiceField(
        label="Qualification",
        queryset=QualificationType.objects.none(),
        empty_label="Choose the qualification",
        error_messages={"required": "Choose the qualification."},
    )
    awarded_on = forms.DateField(
        label="Date awarded",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date awarded.", "invalid": "Enter the date awarded as a real date."},
    )

    def __init__(self, *args, body: AwardingBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["certificate_number"].label = body.reference_label
        self.fields["certificate_number"].widget.attrs.update({"class": "govuk-input govuk-input--width-20",
                                                               "spellcheck": "false"})  # fmt: skip
        self.fields["qualification_type"].queryset = QualificationType.objects.filter(awarding_body=body)
        self.fields["qualification_type"].label_from_instance = lambda q: f"{q.title}{f' ({q.code})' if q.code else ''}"
        self.fields["certificate_number"].error_messages["required"] = f"Enter the {body.reference_label.lower()}."
        if body.asks_learner_reference:
            self.fields["learner_reference"].required = True
            self.fields["learner_reference"].error_messages["required"] = (
                f"Enter the learner's ULN: {body.name} needs it."
            )
        else:
            del self.fields["learner_reference"]

    def clean_certificate_number(self):
        value = self.cleaned_data["certificate_number"].strip()
        if not value:
            raise ValidationError(f"Enter the {self.body.reference_label.lower()}.")
        return value

    def clean_awarded_on(self):
        from datetime import date

        value = self.cleaned_data["awarded_on"]
        if value and value > date.today():
            raise ValidationError("The date awarded must be today or in the past.")
        return value


class ReferenceDetailsForm(GovukForm):
    prefix = "manual"
    source = forms.CharField(widget=forms.HiddenInput)
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    file = DocumentFileField(label="Upload a supporting document", what="The document", required=False)

    def __init__(self, *args, reference_type: ReferenceType, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference_type = reference_type
        if reference_type.instructions:
            self.fields["details"].help_text = reference_type.instructions
        self.fields["details"].error_messages["required"] = "Enter the details the reference type asks for."


class HseForm(GovukForm):
    """How the applicant meets the HS&E requirement when the ECS record has no valid result."""

    prefix = "hse"
    route = forms.ChoiceField(
        label="How does the applicant meet the HS&E requirement?",
        widget=forms.RadioSelect,
        choices=(),
        error_messages={"required": "Say how the applicant meets the HS&E requirement."},
    )
    hse_exemption = forms.ModelChoiceField(
        label="Exemption", queryset=HseExemption.objects.filter(is_active=True), required=False, empty_label="Choose…"
    )
    evidence = DocumentFileField(label="Evidence of the exemption", what="The evidence", required=False)
    hse_sitting = forms.ChoiceField(
        label="How will the applicant sit the assessment?",
        widget=forms.RadioSelect,
        choices=CardApplication.HseSitting.choices,
        required=False,
    )

    def __init__(self, *args, has_evidence: bool = False, valid_result=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_evidence = has_evidence
        Route = CardApplication.HseRoute
        choices = [(Route.EXEMPTION, Route.EXEMPTION.label), (Route.WILL_SIT, Route.WILL_SIT.label)]
        if valid_result is not None:
            choices.insert(
                0, (Route.VALID_RESULT, f"The valid HS&E assessment {valid_result.number} on the ECS record")
            )
        self.fields["route"].choices = choices
        if has_evidence:
            self.fields["evidence"].help_text = f"Evidence is already uploaded; upload more if needed. {FILE_HINT}"

    def clean(self):
        data = super().clean()
        route = data.get("route")
        if route == CardApplication.HseRoute.EXEMPTION:
            if not data.get("hse_exemption"):
                self.add_error("hse_exemption", "Choose the HS&E exemption.")
            if not data.get("evidence") and not self.has_evidence and "evidence" not in self.errors:
                self.add_error("evidence", "Upload the evidence of the HS&E exemption.")
        if route == CardApplication.HseRoute.WILL_SIT and not data.get("hse_sitting"):
            self.add_error("hse_sitting", "Say how the applicant will sit the HS&E assessment.")
        return data
