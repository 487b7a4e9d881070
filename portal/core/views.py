from django.shortcuts import render

from portal.employees.selectors import employee_counts
from portal.organisations.access import holds, portal_user_of
from portal.organisations.permissions import Flag


def home(request):
    """The dashboard: the portal sections the user's flags allow, with what needs attention."""
    portal_user = portal_user_of(request)
    counts = employee_counts(portal_user) if holds(portal_user, Flag.VIEW_EMPLOYEES) else None
    return render(request, "core/home.html", {"employee_counts": counts})
