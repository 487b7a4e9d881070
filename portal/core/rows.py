"""Rows of the long tables, drawn by Jinja2 row templates (`templates/rows/*.jinja`).

A table of 50 rows through Django's template language costs 10-40 ms (each cell a variable lookup, a filter and an
escape through the template machinery; four tables of 50 on Applications Requiring Attention cost more than all
their queries). The same rows through a Jinja2 template, compiled to Python and escaping every value (autoescape),
cost about a tenth. The page's Django template keeps the table, its headings and the empty message; only the body's
rows come from here (`{{ rows }}`). The row templates have the helpers below and nothing more: `pk_url` (reverse a
URL once per table) and the `day` filter (the date as the tables show it). Values are computed in the selectors and
models as for any template.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.template import engines
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment, StrictUndefined

_MARKER = 987654321


def pk_url(name: str, *after: object) -> Callable[[int], str]:
    """The URL named `name` for each row's primary key (its first argument, then `after`): reversed once."""
    whole = reverse(name, args=[_MARKER, *after])
    before, rest = whole.split(str(_MARKER), 1)
    return lambda pk: f"{before}{pk}{rest}"


def day(value: date | datetime | None, empty: str = "") -> str:
    """A date as the tables show it (30/11/2026; an aware time in the site's time zone, as the template filter)."""
    return date_filter(value, "d/m/Y") if value else empty


def environment(**options) -> Environment:
    """The row templates' Jinja2 environment (settings.TEMPLATES, engine "rows"): autoescaped, a misspelt name an
    error rather than an empty cell, and only the helpers the rows need."""
    options.pop("autoescape", None)  # always on, whatever the settings say
    options["undefined"] = StrictUndefined
    env = Environment(autoescape=True, **options)
    env.globals.update(pk_url=pk_url)
    env.filters.update(day=day)
    return env


def render(name: str, **context) -> SafeString:
    """The rows of `templates/rows/<name>` for `context`: escaped by the template, so safe in the page."""
    return mark_safe(engines["rows"].env.get_template(name).render(context))  # noqa: S308 - autoescaped template
