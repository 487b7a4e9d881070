from django.urls import NoReverseMatch, reverse

from portal.accounts.access import LICENCE_TEAMS, in_jib_team, is_case_manager
from portal.licensing.models import LicencePart
from portal.organisations.access import AnyOf, holds, licence_of
from portal.organisations.permissions import Flag

ADMINISTRATION = (
    Flag.CREATE_COMPANY_GROUPS,
    Flag.EDIT_EMPLOYER_DETAILS,
    Flag.ADD_USERS,
    Flag.REMOVE_USERS,
    Flag.CHANGE_USER_PERMISSIONS,
    Flag.RESET_USER_PASSWORDS,
)
USER_ADMIN = ADMINISTRATION[2:]

# The toolbar (user guide, "Portal Sections Explained"): each section is a label, what it is for, and its links as
# (label, url name, url args, flags of which any one shows the link). A section shows when any of its links does.
PORTAL_SECTIONS = [
    (
        "Employees",
        "ECS card holders registered with your company.",
        [
            ("Current Employees", "employees:list", (), (Flag.VIEW_EMPLOYEES,)),
            ("With Cards Expiring Soon", "employees:expiring", ("expiring",), (Flag.VIEW_EMPLOYEES,)),
            ("Add New Employee", "employees:add", (), (Flag.ADD_EMPLOYEES,)),
        ],
    ),
    (
        "Applications",
        "Card applications and their progress.",
        [
            ("Applications Requiring Attention", "applications:attention", (), (Flag.VIEW_APPLICATIONS,)),
            ("Applications Being Produced", "applications:produced", (), (Flag.VIEW_APPLICATIONS,)),
            ("Completed Applications", "applications:completed", (), (Flag.VIEW_APPLICATIONS,)),
        ],
    ),
    (
        "Contracts",
        "ECS Check contracts.",
        [
            ("Contracts Being Set Up", "contracts:setting_up", (), (Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS)),
            ("Contracts in Progress", "contracts:in_progress", (), (Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS)),
            ("Contracts Completed", "contracts:completed", (), (Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS)),
            ("Create New Contract", "contracts:create", (), (Flag.CREATE_CONTRACTS,)),
            ("Spot Check a Card", "sitechecks:spot_check", (), (Flag.VIEW_CONTRACTS,)),
            ("Invitations", "contracts:invitations", (), (Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS)),
        ],
    ),
    (
        "Administration",
        "Your office structure, employer details, users and their permissions.",
        [
            ("Administer Groups", "organisations:groups", (), (Flag.CREATE_COMPANY_GROUPS,)),
            ("Employer Details", "organisations:details", (), (Flag.EDIT_EMPLOYER_DETAILS,)),
            ("Administer Users", "organisations:users", (), USER_ADMIN),
        ],
    ),
    (
        "ECS Assessments",
        "Book ECS assessments by remote invigilation.",
        [
            (
                "ECS Assessments",
                "assessments:home",
                (),
                (Flag.VIEW_PURCHASES, Flag.CREATE_PURCHASES, Flag.VIEW_APPLICATIONS, Flag.FILL_IN_APPLICATIONS),
            )
        ],
    ),
    (
        "Orders",
        "Purchase orders, payments and funds.",
        [
            ("Orders Requiring Attention", "orders:attention", (), (Flag.VIEW_PURCHASES,)),
            ("Orders Being Fulfilled", "orders:fulfilled", (), (Flag.VIEW_PURCHASES,)),
            ("Financial History", "orders:history", (), (Flag.VIEW_PURCHASES,)),
            ("Create a New Empty Order", "orders:new", (), (Flag.CREATE_PURCHASES,)),
            ("Create New Advance Order", "orders:new_advance", (), (Flag.CREATE_PURCHASES,)),
        ],
    ),
]


# Sections shown only when the organisation's licence includes their part.
SECTION_PARTS = {
    "Employees": LicencePart.EMPLOYER_PORTAL,
    "Applications": LicencePart.EMPLOYER_PORTAL,
    "ECS Assessments": LicencePart.ASSESSMENTS,
    "Contracts": LicencePart.ECS_CHECK,
}


def _url(url_name: str, args: tuple) -> str | None:
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return None  # the page is not built yet


def portal_sections(portal_user, path: str) -> list[dict]:
    """The toolbar's sections and links the user may open; a section of one link is a plain link."""
    sections = []
    licence = licence_of(portal_user)
    for label, description, links in PORTAL_SECTIONS:
        part = SECTION_PARTS.get(label)
        if part is not None and (licence is None or not licence.covers(part)):
            continue
        shown = []
        for link_label, url_name, args, flags in links:
            if flags and not holds(portal_user, AnyOf(*flags)):
                continue
            url = _url(url_name, args)
            if url is not None:
                shown.append({"label": link_label, "url": url, "active": path == url})
        if not shown:
            continue
        active = any(path.startswith(link["url"]) for link in shown)
        key = label.lower().replace(" ", "-")
        sections.append(
            {
                "label": label,
                "key": key,
                "url": shown[0]["url"],
                "links": shown if len(links) > 1 else [],
                "active": active,
                "description": description,
            }
        )
    return sections


def portal(request):
    portal_user = getattr(request, "portal_user", None)
    items = []
    if portal_user is not None:
        home = reverse("core:home")
        items = [{"label": "Home", "url": home, "active": request.path == home, "links": [], "key": "home"}]
        items += portal_sections(portal_user, request.path)
    elif getattr(request, "user", None) is not None and request.user.is_authenticated and request.user.is_jib_staff:
        items = [{"label": "Back office", "url": "/backoffice/", "active": False, "links": []}]
        if is_case_manager(request.user):
            url = reverse("casework_dashboard")
            items.append({"label": "Dashboard", "url": url, "active": request.path == url, "links": []})
        if in_jib_team(request.user, *LICENCE_TEAMS):
            url = reverse("licences:list")
            items.append({"label": "Licences", "url": url, "active": request.path.startswith(url), "links": []})
    return {"portal_user": portal_user, "nav_items": items}
