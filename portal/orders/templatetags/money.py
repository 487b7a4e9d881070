from django import template

register = template.Library()


@register.filter
def pounds(pence) -> str:
    """Integer pence as pounds: 5400 → "£54.00", -600 → "-£6.00"."""
    if pence is None or pence == "":
        return ""
    pence = int(pence)
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"
