"""UK postcodes and telephone numbers."""

import re

import phonenumbers
from django.core.exceptions import ValidationError

POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$")


def postcode_normalise(value: str) -> str:
    """Upper case with one space before the inward code, or raise ValidationError."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if not POSTCODE.match(compact):
        raise ValidationError("Enter a real UK postcode, like SW1A 1AA.", code="invalid_postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def phone_normalise(value: str, *, mobile: bool = False) -> str:
    """E.164 (+44…) for a valid UK number; a mobile number when `mobile`, one that can receive texts."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "Enter a real telephone number, like 0161 496 0000 or 07700 123 456.", code="invalid_phone"
        )
    if mobile and phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            "Enter a mobile phone number that can receive text messages, like 07700 123 456.", code="not_mobile"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
