"""Administration: the office tree ("groups"), employer details, users and their permissions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.confirm import Confirmation, confirmation_page
from portal.organisations import services
from portal.organisations.access import (
    AnyOf,
    access,
    access_office,
    holds,
    offices_in_scope,
    portal_user_of,
    require_flag,
    scope,
)
from portal.organisations.forms import (
    AddUserForm,
    EmployerDetailsForm,
    MoveOfficeForm,
    NewOfficeForm,
    OfficeForm,
    PermissionsForm,
    slug,
)
from portal.organisations.models import Office, PortalUser
from portal.organisations.permissions import BUNDLES, Flag

USER_ADMIN = AnyOf(Flag.ADD_USERS, Flag.REMOVE_USERS, Flag.CHANGE_USER_PERMISSIONS, Flag.RESET_USER_PASSWORDS)


def administration(request):
    portal_user = portal_user_of(request)
    sections = {
        "groups": holds(portal_user, Flag.CREATE_COMPANY_GROUPS),
        "details": holds(portal_user, Flag.EDIT_EMPLOYER_DETAILS),
        "users": holds(portal_user, USER_ADMIN),
    }
    if not any(sections.values()):
        raise PermissionDenied("You do not have any administration permission.")
    return render(request, "organisations/administration.html", {"sections": sections})


def groups(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.CREATE_COMPANY_GROUPS)
    offices = scope(Office.objects.all(), portal_user, flag=None, office_field=None)
    return render(request, "organisations/groups.html", {"offices": offices})


def office_add(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.CREATE_COMPANY_GROUPS)
    offices = list(offices_in_scope(portal_user))
    form = NewOfficeForm(request.POST or None, offices=offices, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = access_office(portal_user, office_id=data.pop("parent"), flag=Flag.CREATE_COMPANY_GROUPS)
        try:
            office = services.office_create(organisation=portal_user.organisation, parent=parent, **data)
        except services.AdministrationError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"{office.name} is added below {parent.name}.")
            return redirect("organisations:groups")
    return render(request, "organisations/office_form.html", {"form": form, "title": "Add an office or region"})


def office_edit(request, pk: int):
    portal_user = portal_user_of(request)
    office = access_office(portal_user, office_id=pk, flag=Flag.CREATE_COMPANY_GROUPS)
    fields = ("name", "address", "postcode", "telephone", "email")
    form = OfficeForm(request.POST or None, initial={f: getattr(office, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.office_update(office=office, **form.cleaned_data)
        except services.AdministrationError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"{office.name} is saved.")
            return redirect("organisations:groups")
    return render(
        request, "organisations/office_form.html", {"form": form, "title": f"Edit {office.name}", "office": office}
    )


def office_move(request, pk: int):
    portal_user = portal_user_of(request)
    office = access_office(portal_user, office_id=pk, flag=Flag.CREATE_COMPANY_GROUPS)
    targets = [o for o in offices_in_scope(portal_user) if not o.path.startswith(office.path)]
    form = MoveOfficeForm(request.POST or None, offices=targets, initial={"parent": office.parent_id})
    if request.method == "POST" and form.is_valid():
        parent = access_office(portal_user, office_id=form.cleaned_data["parent"], flag=Flag.CREATE_COMPANY_GROUPS)
        try:
            services.office_move_checked(actor=portal_user, office=office, new_parent=parent)
        except services.AdministrationError as exc:
            form.add_error("parent", str(exc))
        else:
            messages.success(request, f"{office.name} now sits below {parent.name}.")
            return redirect("organisations:groups")
    return render(
        request, "organisations/office_form.html", {"form": form, "title": f"Move {office.name}", "office": office}
    )


@require_http_methods(["GET", "POST"])
def office_close(request, pk: int):
    portal_user = portal_user_of(request)
    office = access_office(portal_user, office_id=pk, flag=Flag.CREATE_COMPANY_GROUPS)
    if request.method == "GET":
        return confirmation_page(
            request,
            Confirmation(
                title=f"Close {office.name}?",
                consequences=[
                    f"{office.name} will no longer be offered for employees, users or orders.",
                    "An office can only be closed once nobody works at it: its employees and users must be moved "
                    "to another office first, and the offices below it closed or moved.",
                ],
                warning="A closed office cannot be opened again.",
                button="Close the office",
                cancel_url=reverse("organisations:groups"),
            ),
        )
    try:
        services.office_close_checked(actor=portal_user, office=office)
        messages.success(request, f"{office.name} is closed.")
    except services.AdministrationError as exc:
        messages.error(request, str(exc))
    return redirect("organisations:groups")


def employer_details(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.EDIT_EMPLOYER_DETAILS)
    organisation = portal_user.organisation
    fields = ("name", "address", "postcode", "telephone", "email")
    form = EmployerDetailsForm(request.POST or None, initial={f: getattr(organisation, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        services.organisation_update_details(organisation=organisation, actor=request.user, **form.cleaned_data)
        messages.success(request, "The employer details are saved.")
        return redirect("organisations:admin")
    return render(request, "organisations/details.html", {"form": form, "organisation": organisation})


def _require_any_user_admin(portal_user: PortalUser) -> None:
    require_flag(portal_user, USER_ADMIN)


def users(request):
    portal_user = portal_user_of(request)
    _require_any_user_admin(portal_user)
    people = (
        scope(PortalUser.objects.filter(removed_at__isnull=True), portal_user, flag=None)
        .select_related("user", "office")
        .order_by("user__last_name", "user__first_name")
    )
    rows = [(p, [name for name, flags in BUNDLES.items() if all(p.has_flag(f) for f in flags)]) for p in people]
    return render(request, "organisations/users.html", {"rows": rows})


def user_add(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.ADD_USERS)
    form = AddUserForm(
        request.POST or None, offices=offices_in_scope(portal_user), initial={"office": portal_user.office_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = access_office(portal_user, office_id=data["office"], flag=Flag.ADD_USERS)
        try:
            added = services.portal_user_add(
                actor=portal_user, office=office, flags=form.chosen_flags(), email=data["email"],
                existing=data["who"] == "existing", title=data["title"], first_name=data["first_name"],
                last_name=data["last_name"], telephone=data["telephone"], mobile=data["mobile"],
            )  # fmt: skip
        except services.AddressCannotBeAdded as exc:
            form.add_error("email", str(exc))
        except services.AdministrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{added.user.get_full_name()} is added and has been sent an invitation.")
            return redirect("organisations:users")
    return render(request, "organisations/user_form.html", {"form": form, "title": "Add a user", "adding": True})


def user_edit(request, pk: int):
    portal_user = portal_user_of(request)
    target = access(
        PortalUser.objects.select_related("user", "office").filter(removed_at__isnull=True),
        portal_user,
        flag=Flag.CHANGE_USER_PERMISSIONS,
        pk=pk,
    )
    initial = {"office": target.office_id, **{f.value: target.has_flag(f) for f in Flag}}
    for name, flags in BUNDLES.items():
        initial[f"bundle_{slug(name)}"] = all(target.has_flag(f) for f in flags)
    form = PermissionsForm(request.POST or None, offices=offices_in_scope(portal_user), initial=initial)
    if request.method == "POST" and form.is_valid():
        office = access_office(portal_user, office_id=form.cleaned_data["office"], flag=Flag.CHANGE_USER_PERMISSIONS)
        try:
            services.portal_user_set_permissions(
                actor=portal_user, target=target, office=office, flags=form.chosen_flags()
            )
        except services.AdministrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{target.user.get_full_name()}'s permissions are saved.")
            return redirect("organisations:users")
    return render(
        request,
        "organisations/user_form.html",
        {"form": form, "title": f"Permissions of {target.user.get_full_name()}", "target": target},
    )


@require_http_methods(["GET", "POST"])
def user_remove(request, pk: int):
    portal_user = portal_user_of(request)
    target = access(PortalUser.objects.select_related("user"), portal_user, flag=Flag.REMOVE_USERS, pk=pk)
    if request.method == "GET":
        name = target.user.get_full_name()
        return confirmation_page(
            request,
            Confirmation(
                title=f"Remove {name}?",
                consequences=[
                    f"{name} will no longer be able to sign in to the Employer Portal for "
                    f"{target.organisation.name}, and any invitation they have not yet accepted stops working.",
                    "What they did in the portal stays on record.",
                ],
                button="Remove the user",
                cancel_url=reverse("organisations:users"),
            ),
        )
    try:
        services.portal_user_remove(actor=portal_user, target=target)
        messages.success(request, f"{target.user.get_full_name()} can no longer use the portal.")
    except services.AdministrationError as exc:
        messages.error(request, str(exc))
    return redirect("organisations:users")


@require_POST
def user_reset_password(request, pk: int):
    portal_user = portal_user_of(request)
    target = access(PortalUser.objects.select_related("user"), portal_user, flag=Flag.RESET_USER_PASSWORDS, pk=pk)
    try:
        services.portal_user_reset_password(actor=portal_user, target=target)
    except services.AdministrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{target.user.get_full_name()} has been emailed a link to choose a new password.")
    return redirect("organisations:users")
