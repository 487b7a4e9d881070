"""Rows of the long tables, written in Python.

A table of 50 rows through Django's template language costs 10-40 ms (each cell a variable lookup, a filter and an
escape through the template machinery; four tables of 50 on Applications Requiring Attention cost more than all
their queries). The same rows through `format_html`, which escapes each value just the same, cost about a tenth.
The page's template keeps the table, its headings and the empty message; only the body's rows come from here.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

_MARKER = 987654321


def pk_url(name: str, *after: object) -> Callable[[int], str]:
    """The URL named `name` for each row's primary key (its first argument, then `after`): reversed once."""
    whole = reverse(name, args=[_MARKER, *after])
    before, rest = whole.split(str(_MARKER), 1)
    return lambda pk: f"{before}{pk}{rest}"


def day(value: date | datetime | None, empty: str = "") -> str:
    """A date as the tables show it (30/11/2026; an aware time in the site's time zone, as the template filter)."""
    return date_filter(value, "d/m/Y") if value else empty


def joined(rows: Iterable[str]) -> SafeString:
    """The rows (each made by format_html, so already escaped) as one piece of the page."""
    return mark_safe("".join(rows))  # noqa: S308 - every part comes from format_html
