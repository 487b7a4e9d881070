from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from portal.core.selectors import dashboard
from portal.organisations.access import portal_user_of


def home(request):
    """The dashboard: what needs the user's attention in the portal sections the user's flags allow."""
    portal_user = portal_user_of(request)
    return render(request, "core/home.html", {"dashboard": dashboard(portal_user)})


@login_not_required
def terms(request):
    """The terms and conditions of the ECS Online Systems, served by the product (linked from the declarations)."""
    return render(request, "core/terms.html")
