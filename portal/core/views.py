from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from portal.accounts.access import is_case_manager
from portal.employees.selectors import employee_counts
from portal.organisations.access import portal_user_of
from portal.organisations.permissions import Flag
from workflows.dashboard import casework_dashboard


def home(request):
    """The dashboard: the portal sections the user's flags allow, with what needs attention."""
    portal_user = portal_user_of(request)
    counts = employee_counts(portal_user) if portal_user.has_flag(Flag.VIEW_EMPLOYEES) else None
    return render(request, "core/home.html", {"employee_counts": counts})


@login_required
def casework_dashboard_view(request):
    """What is waiting where, and for how long: for JIB team leaders and managers."""
    if not is_case_manager(request.user):
        raise PermissionDenied("The casework dashboard is for JIB team leaders and managers.")
    return render(request, "core/dashboard.html", casework_dashboard())
