from django import forms

from portal.core.forms import GovukForm
from portal.orders.models import CREDIT_PENCE, Order
from portal.orders.selectors import PaymentMethodOption


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
        max_value=400,
        initial=1,
        help_text=f"ECS Card Advance Payment: £{CREDIT_PENCE / 100:,.2f} each. The minimum is 1 credit.",
        error_messages={"required": "Enter how many credits to buy."},
    )

    field_order = ["credits", "your_reference", "office", "billing_office", "accounts_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["deliver_to"]
        del self.fields["delivery_attention"]


class PayForm(GovukForm):
    """The ways to pay that payment_methods_for offers; the refused ones are not choices."""

    method = forms.ChoiceField(label="I wish to pay by", widget=forms.RadioSelect)

    def __init__(self, *args, methods: dict[str, PaymentMethodOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(o.method.value, o.label) for o in methods.values() if o.offered]
        self.fields["method"].error_messages["required"] = "Choose how you wish to pay."
        self.fields["method"].initial = Order.Method.CARD.value


class AddApplicationsForm(forms.Form):
    """ADD APPLICATIONS TO A PURCHASE: which order (an open one, or "new" with the new order's details) and what to
    do with it. `order` is left as the chosen id: the view fetches it through the access helper."""

    NEW = "new"
    ACTIONS = ("pay_now", "pay_later", "leave_open")  # the three buttons

    order = forms.CharField(required=False)
    action = forms.CharField(required=False)

    def __init__(self, *args, offices, office_id, has_applications: bool, has_open_orders: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_applications = has_applications
        self.chosen = self.data.get("order", "") if self.is_bound else ("" if has_open_orders else self.NEW)
        self.details = OrderDetailsForm(
            self.data if self.is_bound and self.chosen == self.NEW else None,
            offices=offices,
            initial={"office": office_id, "billing_office": office_id, "deliver_to": office_id},
            prefix="new",
        )

    def clean(self):
        data = super().clean()
        if not self.has_applications:
            raise forms.ValidationError("Choose at least one finalised application awaiting ordering.")
        if data.get("action") not in self.ACTIONS:
            raise forms.ValidationError("Choose what to do with the order.")
        if data.get("order") == self.NEW:
            if not self.details.is_valid():
                raise forms.ValidationError("Correct the new order's details.")
        elif not (data.get("order") or "").isdigit():
            raise forms.ValidationError("Select the order to add the applications to, or create a new order.")
        return data

    @property
    def error(self) -> str:
        return " ".join(self.non_field_errors())

    @property
    def wants_new_order(self) -> bool:
        return self.cleaned_data["order"] == self.NEW

    @property
    def closes(self) -> bool:
        return self.cleaned_data["action"] in ("pay_now", "pay_later")


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
