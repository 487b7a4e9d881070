from django import forms

from portal.core.forms import GovukForm


class ApiKeyForm(GovukForm):
    name = forms.CharField(
        label="What the key is for",
        help_text="For example the name of the site gate or the system that will use it.",
        max_length=100,
    )
