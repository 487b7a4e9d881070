from django import template

from portal.core.forms import _lower_first

register = template.Library()


@register.simple_tag
def summary_error(field, error) -> str:
    """An error summary line that names its field: "Postcode: enter a real UK postcode" (not when the message
    already names it, as in "Enter postcode")."""
    label = str(field.label or "").strip()
    message = str(error)
    said = message.lower()
    name = label.lower()
    if not label or any(said.startswith(start + name) for start in ("", "enter ", "choose ", "tick “")):
        return message
    return f"{label}: {_lower_first(message)}"
