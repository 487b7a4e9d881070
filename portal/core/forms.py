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


class GovukFormMixin:
    """Adds GOV.UK classes, error classes and aria-describedby to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
