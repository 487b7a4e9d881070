from django import forms

from portal.core.forms import GovukForm


class ApiKeyForm(GovukForm):
    name = forms.CharField(
        label="What the key is for",
        help_text="For example the name of the site gate or the system that will use it.",
        max_length=100,
    )


DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")


class SpotCheckForm(GovukForm):
    contract = forms.TypedChoiceField(label="Contract", coerce=int)
    number = forms.CharField(
        label="ECS card number",
        help_text="As printed on the card, or as a phone camera reads it from the card's QR code.",
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-10",
                "inputmode": "numeric",
                "autocomplete": "off",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [(c.pk, f"{c.name} ({c.site_postcode})") for c in contracts]


class ScanForm(GovukForm):
    """What the spot check page's "Scan a card" sends: the contract chosen and the text the QR code carries."""

    contract = forms.TypedChoiceField(label="Contract", coerce=int)
    code = forms.CharField(label="QR code", max_length=500)

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [(c.pk, c.name) for c in contracts]


class PeriodForm(GovukForm):
    date_from = forms.DateField(label="From", widget=DATE_WIDGET)
    date_to = forms.DateField(label="To", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the period must be on or after its start.")
        return data


class ExportForm(GovukForm):
    as_at = forms.DateField(
        label="Workforce and card status as at",
        help_text="Who was on the contract that day, and their cards then.",
        widget=DATE_WIDGET,
    )
    format = forms.ChoiceField(
        label="Format", choices=[("csv", "CSV (spreadsheet)"), ("pdf", "PDF (for printing)")], widget=forms.RadioSelect
    )
