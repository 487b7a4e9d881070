"""National Insurance numbers and dates of birth, by the published rules."""

import re
from datetime import date

from django.core.exceptions import ValidationError

# HMRC: two prefix letters, six digits, a suffix A-D.
NI_PATTERN = re.compile(r"^([A-Z]{2})(\d{6})([A-D])$")
NI_FIRST_NOT = set("DFIQUV")
NI_SECOND_NOT = set("DFIOQUV")
NI_PREFIXES_NOT_ALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
MIN_WORKER_AGE = 15
MAX_WORKER_AGE = 80


def ni_number_normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def ni_number_problem(value: str) -> str | None:
    """Why `value` is not a valid permanent NI number, or None when it is."""
    ni = ni_number_normalise(value)
    if not ni:
        return "Enter a National Insurance number."
    if ni.startswith("TN") or ni.startswith("00"):
        return "Temporary National Insurance numbers cannot be used. Enter the operative's permanent number."
    match = NI_PATTERN.match(ni)
    if not match:
        return "Enter a National Insurance number in the right format, like QQ 12 34 56 C."
    prefix = match.group(1)
    if prefix[0] in NI_FIRST_NOT or prefix[1] in NI_SECOND_NOT or prefix in NI_PREFIXES_NOT_ALLOCATED:
        return f"{prefix} is not a valid National Insurance number prefix."
    return None


def validate_ni_number(value: str) -> None:
    if problem := ni_number_problem(value):
        raise ValidationError(problem, code="invalid_ni_number")


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def validate_worker_date_of_birth(value: date, *, today: date | None = None) -> None:
    today = today or date.today()
    if value > today:
        raise ValidationError("The date of birth must be in the past.", code="future")
    age = age_on(value, today)
    if age < MIN_WORKER_AGE:
        raise ValidationError(f"The operative must be at least {MIN_WORKER_AGE} years old.", code="too_young")
    if age > MAX_WORKER_AGE:
        raise ValidationError(f"Check the date of birth: the operative would be {age} years old.", code="too_old")
