from django import forms
from django.shortcuts import render

from portal.core.forms import GovukForm
from portal.organisations.access import portal_user_of
from portal.registry.selectors import card_check


class CardCheckForm(GovukForm):
    number = forms.RegexField(
        label="ECS card number",
        regex=r"^\s*\d{6,12}\s*$",
        error_messages={"invalid": "Enter the card number as printed on the card: digits only."},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}),
    )


def card_check_view(request):
    """Any portal user can check a card: valid, expiring, expired or unknown, with holder's name and card type."""
    portal_user_of(request)
    form = CardCheckForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        status, card = card_check(number=form.cleaned_data["number"])
        result = {"status": status, "card": card, "number": form.cleaned_data["number"].strip()}
    return render(request, "registry/card_check.html", {"form": form, "result": result})
