from django.urls import NoReverseMatch, reverse

from portal.accounts.access import is_case_manager
from portal.organisations.access import AnyOf, holds
from portal.organisations.permissions import Flag

# Portal sections (user guide, appendix): label, url name, flags of which any one shows it, what it is for.
PORTAL_SECTIONS = [
    ("Home", "core:home", (), ""),
    ("Employees", "employees:list", (Flag.VIEW_EMPLOYEES,), "ECS card holders registered with your company."),
    ("Applications", "applications:attention", (Flag.VIEW_APPLICATIONS,), "Card applications and their progress."),
    ("Contracts", "contracts:list", (Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS), "ECS Check contracts."),
    (
        "Administration",
        "organisations:admin",
        (
            Flag.CREATE_COMPANY_GROUPS,
            Flag.EDIT_EMPLOYER_DETAILS,
            Flag.ADD_USERS,
            Flag.REMOVE_USERS,
            Flag.CHANGE_USER_PERMISSIONS,
            Flag.RESET_USER_PASSWORDS,
        ),
        "Your office structure, employer details, users and their permissions.",
    ),
    ("ECS Assessments", "assessments:home", (), "Book ECS assessments by remote invigilation."),
    ("Orders", "orders:attention", (Flag.VIEW_PURCHASES,), "Purchase orders, payments and funds."),
]


def portal(request):
    portal_user = getattr(request, "portal_user", None)
    items = []
    if portal_user is not None:
        for label, url_name, flags, description in PORTAL_SECTIONS:
            if flags and not holds(portal_user, AnyOf(*flags)):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue  # the section is not built yet
            active = request.path == url if url_name == "core:home" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active, "description": description})
    elif getattr(request, "user", None) is not None and request.user.is_authenticated and request.user.is_jib_staff:
        items = [{"label": "Back office", "url": "/backoffice/", "active": False}]
        if is_case_manager(request.user):
            url = reverse("casework_dashboard")
            items.append({"label": "Dashboard", "url": url, "active": request.path == url})
    return {"portal_user": portal_user, "nav_items": items}
