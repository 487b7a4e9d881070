from django import template

from portal.core.forms import _lower_first

register = template.Library()


@register.simple_tag
def summary_error(field, error) -> str:
    """An error summary line that names its field: "Postcode: enter a real UK postcode" (the label is not repeated
    when the message already starts with it)."""
    label = str(field.label or "").strip()
    message = str(error)
    if not label or message.lower().startswith(label.lower()):
        return message
    return f"{label}: {_lower_first(message)}"
