"""The one place that decides what a portal user may see and do.

Every portal view fetches through these helpers: they check the organisation, the office subtree and the
permission flag together, so no view can forget one of them. A missing flag is 403; an object outside the
user's organisation or office subtree is 404 (it is not revealed to exist).
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import URLResolver

from portal.licensing.models import Licence, LicencePart
from portal.organisations.models import Office, PortalUser
from portal.organisations.permissions import Flag


def portal_user_of(request) -> PortalUser:
    """The signed-in user's active portal membership (set by FrontDoorMiddleware), or 403."""
    portal_user = getattr(request, "portal_user", None)
    if portal_user is None or not portal_user.is_active:
        raise PermissionDenied("You do not have access to the Employer Portal.")
    return portal_user


@dataclass(frozen=True)
class AnyOf:
    """A requirement met by holding any one of `flags`: `access(..., flag=AnyOf(Flag.A, Flag.B))`."""

    flags: tuple[Flag, ...]

    def __init__(self, *flags: Flag):
        object.__setattr__(self, "flags", tuple(flags))

    def held_by(self, portal_user: PortalUser) -> bool:
        return any(portal_user.has_flag(flag) for flag in self.flags)

    @property
    def label(self) -> str:
        return " or ".join(f"“{Flag(flag).label}”" for flag in self.flags)


# Adding applications to an order: a new order or an open one.
CHANGE_ORDERS = AnyOf(Flag.CREATE_PURCHASES, Flag.ADD_TO_PURCHASES)


def holds(portal_user: PortalUser, requirement: "Flag | AnyOf") -> bool:
    """Whether the user meets `requirement` (one flag, or AnyOf several)."""
    if isinstance(requirement, AnyOf):
        return requirement.held_by(portal_user)
    return portal_user.has_flag(requirement)


def require_flag(portal_user: PortalUser, *requirements: "Flag | AnyOf") -> None:
    """403 unless the user meets every one of `requirements` (a flag, or AnyOf several flags)."""
    for requirement in requirements:
        if not holds(portal_user, requirement):
            label = requirement.label if isinstance(requirement, AnyOf) else f"“{Flag(requirement).label}”"
            raise PermissionDenied(f"You need the {label} permission.")


def licence_of(portal_user: PortalUser) -> Licence | None:
    """The user's organisation's licence (loaded with the portal user by the front door: no query), or None."""
    try:
        return portal_user.organisation.licence
    except Licence.DoesNotExist:
        return None


def require_licence_part(portal_user: PortalUser, part: str) -> None:
    """403 unless the user's organisation holds a licence that includes `part` (a LicencePart)."""
    licence = licence_of(portal_user)
    if licence is None or not licence.covers(part):
        raise PermissionDenied(f"Your organisation's licence does not include {LicencePart(part).label}.")


def licence_part_required(part: str):
    """A view decorator: 403 unless the signed-in user's organisation's licence includes `part`."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            require_licence_part(portal_user_of(request), part)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def within_licence_part(patterns: list, part: str) -> list:
    """`patterns` (a urls module's urlpatterns, includes too) with every view guarded by licence_part_required."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            within_licence_part(entry.url_patterns, part)
        else:
            entry.callback = licence_part_required(part)(entry.callback)
    return patterns


def scope(
    queryset: QuerySet,
    portal_user: PortalUser,
    *,
    flag: Flag | AnyOf | None,
    office_field: str | None = "office",
    organisation_field: str = "organisation",
    within: Office | None = None,
) -> QuerySet:
    """`queryset` narrowed to the user's organisation and office subtree, after checking `flag` (or AnyOf).

    `office_field` names the relation to Office on the model (None when the model *is* Office). `within` narrows
    further to an office the user chose and its subtree: 404 unless that office is in the user's own subtree.
    """
    if flag is not None:
        require_flag(portal_user, flag)
    path_lookup = f"{office_field}__path__startswith" if office_field else "path__startswith"
    top = portal_user.office
    if within is not None:
        if within.organisation_id != portal_user.organisation_id or not within.path.startswith(top.path):
            raise Http404
        top = within
    if top.parent_id is None:
        # The head office: every office of the organisation is in its subtree (one head office each, every other
        # office below it), so the organisation says it all and the query needs no join to the offices.
        return queryset.filter(**{organisation_field: portal_user.organisation_id})
    return queryset.filter(**{organisation_field: portal_user.organisation_id, path_lookup: top.path})


def access(
    queryset: QuerySet,
    portal_user: PortalUser,
    *,
    flag: Flag | AnyOf | None,
    office_field: str | None = "office",
    organisation_field: str = "organisation",
    **lookup,
) -> Model:
    """Fetch one object the user may act on with `flag`: 403 without the flag, 404 outside their scope."""
    objects = scope(queryset, portal_user, flag=flag, office_field=office_field, organisation_field=organisation_field)
    try:
        return objects.get(**lookup)
    except (objects.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_office(portal_user: PortalUser, *, office_id, flag: Flag | None) -> Office:
    return access(Office.objects.select_related("parent"), portal_user, flag=flag, office_field=None, pk=office_id)


def offices_in_scope(portal_user: PortalUser) -> QuerySet:
    """Open offices the user may place things in: their office and everything below it."""
    return scope(Office.objects.filter(closed_at__isnull=True), portal_user, flag=None, office_field=None)
