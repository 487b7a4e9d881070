from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from portal.accounts.services import is_case_manager
from workflows.dashboard import casework_dashboard


@login_required
def casework_dashboard_view(request):
    """What is waiting where, and for how long: for JIB team leaders and managers."""
    if not is_case_manager(request.user):
        raise PermissionDenied("The casework dashboard is for JIB team leaders and managers.")
    return render(request, "core/dashboard.html", casework_dashboard())
