from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.accounts.access import CASE_MANAGERS, require_jib_team
from workflows.dashboard import casework_dashboard


@login_required
def casework_dashboard_view(request):
    """What is waiting where, and for how long: for JIB team leaders and managers."""
    require_jib_team(request.user, *CASE_MANAGERS)
    return render(request, "core/dashboard.html", casework_dashboard())
