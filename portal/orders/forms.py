from django import forms

from portal.core.forms import GovukForm
from portal.orders.services import BACS_MINIMUM_PENCE, CREDIT_PENCE


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} - {obj.name}" if obj.parent_id is None else obj.name


class OrderDetailsForm(GovukForm):
    """The six fields of a new order (user guide 1.5). Offices are those in the user's scope."""

    your_reference = forms.CharField(label="Your reference / P.O. number", max_length=60)
    office = OfficeChoiceField(label="Raised at level of", queryset=None, empty_label=None)
    billing_office = OfficeChoiceField(label="Billing to office", queryset=None, empty_label=None)
    deliver_to = OfficeChoiceField(label="Deliver to office", queryset=None, empty_label=None)
    accounts_contact = forms.CharField(label="Accounts contact", max_length=100)
    delivery_attention = forms.CharField(label="Delivery to the attention of", max_length=100, required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("office", "billing_office", "deliver_to"):
            if name in self.fields:
                self.fields[name].queryset = offices


class AdvanceOrderForm(OrderDetailsForm):
    credits = forms.IntegerField(
        label="Quantity of credits",
        min_value=1,
        max_value=400,
        initial=1,
        help_text=f"ECS Card Advance Payment: £{CREDIT_PENCE / 100:,.2f} each. The minimum is 1 credit.",
        error_messages={"min_value": "Buy at least 1 credit.", "required": "Enter how many credits to buy."},
    )

    field_order = ["credits", "your_reference", "office", "billing_office", "accounts_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["deliver_to"]
        del self.fields["delivery_attention"]


class PayForm(GovukForm):
    method = forms.ChoiceField(label="I wish to pay by", widget=forms.RadioSelect)

    def __init__(
        self,
        *args,
        total_pence: int,
        balance_pence: int,
        can_use_funds: bool,
        is_advance: bool,
        bacs_marked: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        choices = [("card", "Credit or debit card")]
        if can_use_funds and not is_advance:
            choices.append(("funds", f"Funds held on account (balance £{balance_pence / 100:,.2f})"))
        if total_pence >= BACS_MINIMUM_PENCE and not bacs_marked:
            choices.append(("bacs", "BACS bank transfer"))
        self.fields["method"].choices = choices
        self.fields["method"].error_messages["required"] = "Choose how you wish to pay."
        self.fields["method"].initial = "card"


class TestCardForm(GovukForm):
    number = forms.RegexField(
        label="Card number",
        regex=r"^\d{16}$",
        max_length=19,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "inputmode": "numeric", "autocomplete": "cc-number"}
        ),
        help_text="Sandbox test cards: 4242424242424242 is accepted, 4000000000000002 is declined.",
        error_messages={"invalid": "Enter the 16 digits of the card number.", "required": "Enter the card number."},
    )
    exp_month = forms.IntegerField(
        label="Expiry month",
        min_value=1,
        max_value=12,
        initial=12,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2", "autocomplete": "cc-exp-month"}),
    )
    exp_year = forms.IntegerField(
        label="Expiry year",
        min_value=2020,
        max_value=2099,
        initial=2030,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "autocomplete": "cc-exp-year"}),
    )
    cvc = forms.RegexField(
        label="Security code (CVC)",
        regex=r"^\d{3}$",
        max_length=3,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric", "autocomplete": "cc-csc"}
        ),
        error_messages={"invalid": "Enter the 3 digits."},
    )

    def clean_number(self):
        return self.cleaned_data["number"].replace(" ", "")
