from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def bacs_details() -> dict:
    """The JIB's bank account for BACS payments, from the settings ({} while any part is not configured)."""
    details = {
        "name": settings.BACS_ACCOUNT_NAME,
        "sort_code": settings.BACS_SORT_CODE,
        "account_number": settings.BACS_ACCOUNT_NUMBER,
    }
    return details if all(details.values()) else {}
