"""Form helpers: GOV.UK-style widgets and errors beside each field."""

from django import forms

WIDGET_CLASSES = {
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input govuk-input--width-10",
    forms.PasswordInput: "govuk-input govuk-input--width-20",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.URLInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


def _lower_first(text: str) -> str:
    """ "Date of birth" -> "date of birth"; an acronym ("NI number", "HS&E") is left as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _defaults(field: forms.Field) -> dict:
    """Django's own wording for `field`'s errors (to be replaced), from its class and its parents."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def clear_error_messages(form: forms.BaseForm) -> None:
    """Replace Django's default error wording ("This field is required.", "Enter a valid date.") by messages that
    say what to do with the field; messages a form sets itself are kept."""
    for field in form.fields.values():
        label = str(field.label or "this")
        what = _lower_first(label)
        defaults = _defaults(field)
        widget = field.widget
        if isinstance(field, forms.BooleanField) or isinstance(widget, forms.CheckboxInput):
            required = f"Tick “{label}” to continue"
        elif isinstance(field, forms.FileField):
            required = f"Choose the file for {what}"
        elif isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
            required = f"Choose {what}"
        else:
            required = f"Enter {what}"
        clear = {
            "required": required,
            "invalid_choice": f"Choose {what} from the options given",
            "invalid_list": f"Choose {what} from the options given",
            "max_length": f"{label} must be %(limit_value)d characters or fewer",
            "min_length": f"{label} must be at least %(limit_value)d characters",
            "max_value": f"{label} must be %(limit_value)s or less",
            "min_value": f"{label} must be %(limit_value)s or more",
            "empty": f"The file chosen for {what} is empty",
            "missing": f"Choose the file for {what}",
        }
        if isinstance(field, forms.DateField):
            clear["invalid"] = f"Enter {what} as a real date, for example 27/03/2024"
        elif isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            clear["invalid"] = f"Enter {what} as a number"
        elif isinstance(field, forms.EmailField):
            clear["invalid"] = "Enter an email address in the right form, like name@example.co.uk"
        elif isinstance(field, forms.FileField):
            clear["invalid"] = f"The file chosen for {what} could not be read: choose it again"
        for key, message in clear.items():
            if key in field.error_messages and field.error_messages[key] == defaults.get(key):
                field.error_messages[key] = message
        for validator in field.validators:  # max_length and min_length are also checked by validators
            code = getattr(validator, "code", "")
            if code in clear and getattr(validator, "message", None) == type(validator).message:
                validator.message = clear[code]


class GovukFormMixin:
    """Adds GOV.UK classes, error classes and aria-describedby to every widget, and clear error messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clear_error_messages(self)
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if type(widget) is t), "")
            if css and "class" not in widget.attrs:
                widget.attrs["class"] = css
            described = []
            if field.help_text:
                described.append(f"id_{self.add_prefix(name)}-hint")
            described.append(f"id_{self.add_prefix(name)}-error")
            widget.attrs.setdefault("aria-describedby", " ".join(described))

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                    if base in css.split() and f"{base}--error" not in css:
                        widget.attrs["class"] = f"{css} {base}--error"
                widget.attrs["aria-invalid"] = "true"


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass
