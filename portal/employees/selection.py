"""The employees ticked on the list, kept in the session across its pages until applications are started."""

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

SESSION_KEY = "employee_selection"


def chosen(request) -> set[int]:
    return set(request.session.get(SESSION_KEY, []))


def keep(request, ids: set[int]) -> None:
    request.session[SESSION_KEY] = sorted(ids)


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def start_url(ids: set[int], *, order: QuerySet) -> str:
    """Choose Application Types for the chosen employees, in the list's order."""
    ordered = [pk for pk in order.values_list("pk", flat=True) if pk in ids]
    ordered += sorted(ids - set(ordered))
    return reverse("applications:start") + "?" + urlencode([("employment", pk) for pk in ordered])
