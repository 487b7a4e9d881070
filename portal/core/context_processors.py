from django.urls import NoReverseMatch, reverse

from portal.organisations.permissions import Flag

# Portal sections (user guide, appendix): (label, url name, flags of which any one shows the section).
PORTAL_SECTIONS = [
    ("Home", "core:home", ()),
    ("Employees", "employees:list", (Flag.VIEW_EMPLOYEES,)),
    ("Applications", "applications:attention", (Flag.VIEW_APPLICATIONS,)),
    ("Contracts", "contracts:list", (Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS)),
    (
        "Administration",
        "organisations:admin",
        (Flag.CREATE_COMPANY_GROUPS, Flag.EDIT_EMPLOYER_DETAILS, Flag.ADD_USERS, Flag.CHANGE_USER_PERMISSIONS),
    ),
    ("ECS Assessments", "assessments:home", ()),
    ("Orders", "orders:attention", (Flag.VIEW_PURCHASES,)),
]


def portal(request):
    portal_user = getattr(request, "portal_user", None)
    items = []
    if portal_user is not None:
        for label, url_name, flags in PORTAL_SECTIONS:
            if flags and not any(portal_user.has_flag(f) for f in flags):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue  # the section is not built yet
            active = request.path == url if url_name == "core:home" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    elif getattr(request, "user", None) is not None and request.user.is_authenticated and request.user.is_jib_staff:
        items = [
            {"label": "Home", "url": reverse("core:home"), "active": request.path == reverse("core:home")},
            {"label": "Back office", "url": "/backoffice/", "active": False},
        ]
    return {"portal_user": portal_user, "nav_items": items}
