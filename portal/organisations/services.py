"""Organisations, their office trees and their portal users."""

from django.db import transaction
from django.db.models import F, ProtectedError, RestrictedError, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from portal.accounts.models import User
from portal.organisations.models import Office, Organisation, OrganisationEvent, PortalUser, PortalUserEvent
from portal.organisations.permissions import ALL_FLAGS, BUNDLES, Flag
from portal.organisations.signals import organisation_renamed

PATH_STEP = 8  # digits per level, plus a dot


def _path_segment(office_id: int) -> str:
    return f"{office_id:0{PATH_STEP - 1}d}."


def organisation_create(*, name: str, head_office_name: str | None = None, **details) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, **details)
        office_create(
            organisation=organisation,
            parent=None,
            name=head_office_name or f"{name} Head Office",
            kind=Office.Kind.HEAD_OFFICE,
            address=details.get("address", ""),
            postcode=details.get("postcode", ""),
            telephone=details.get("telephone", ""),
        )
    return organisation


def _refuse_duplicate_name(*, parent: Office | None, name: str, office: Office | None = None) -> None:
    """Two open offices below one parent may not share a name (compared without case or outer spaces)."""
    if parent is None:
        return
    siblings = Office.objects.filter(parent=parent, closed_at__isnull=True, name__iexact=name.strip())
    if office is not None:
        siblings = siblings.exclude(pk=office.pk)
    if siblings.exists():
        raise AdministrationError(f"{parent.name} already has an office called {name.strip()}: choose another name.")


def office_create(
    *, organisation: Organisation, parent: Office | None, name: str, kind: str = Office.Kind.OFFICE, **contact
) -> Office:
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValueError("An office's parent must belong to the same organisation.")
    with transaction.atomic():
        if parent is not None:
            Office.objects.select_for_update().filter(pk=parent.pk).first()  # one new name at a time per parent
        _refuse_duplicate_name(parent=parent, name=name)
        office = Office.objects.create(
            organisation=organisation,
            parent=parent,
            name=name,
            kind=kind,
            path="",
            depth=0 if parent is None else parent.depth + 1,
            **contact,
        )
        office.path = (parent.path if parent else "") + _path_segment(office.pk)
        office.save(update_fields=["path"])
    return office


def office_move(*, office: Office, new_parent: Office) -> Office:
    """Move an office and its subtree below `new_parent` (same organisation, not into its own subtree)."""
    if new_parent.organisation_id != office.organisation_id:
        raise ValueError("An office can only move within its organisation.")
    if new_parent.path.startswith(office.path):
        raise ValueError("An office cannot move below itself.")
    if office.parent_id is None:
        raise ValueError("The head office cannot move.")
    try:
        _refuse_duplicate_name(parent=new_parent, name=office.name, office=office)
    except AdministrationError as exc:
        raise ValueError(str(exc)) from None
    with transaction.atomic():
        old_path = office.path
        new_path = new_parent.path + _path_segment(office.pk)
        depth_change = new_parent.depth + 1 - office.depth
        subtree = Office.objects.select_for_update().filter(
            organisation_id=office.organisation_id, path__startswith=old_path
        )
        list(subtree)  # lock the rows before rewriting their paths
        subtree.update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_change,
        )
        Office.objects.filter(pk=office.pk).update(parent=new_parent)
        office.refresh_from_db()
    return office


def office_rename(*, office: Office, name: str) -> Office:
    """The JIB's office set-up renames an office or region (never to a sibling's name)."""
    name = name.strip()
    if not name:
        raise AdministrationError("Enter the office's new name.")
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        _refuse_duplicate_name(parent=office.parent, name=name, office=office)
        office.name = name
        office.save(update_fields=["name"])
    return office


def office_remove(*, office: Office) -> None:
    """The JIB's office set-up removes an office it added by mistake: only one with nothing in or below it."""
    if office.kind == Office.Kind.HEAD_OFFICE:
        raise AdministrationError("The head office cannot be removed.")
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        try:
            office.delete()
        except (ProtectedError, RestrictedError):
            raise AdministrationError(
                f"{office.name} cannot be removed: it has offices, users, employees or orders in it."
            ) from None


def office_close(*, office: Office) -> Office:
    Office.objects.filter(pk=office.pk).update(closed_at=timezone.now())
    office.refresh_from_db()
    return office


def portal_user_create(
    *,
    user: User,
    organisation: Organisation,
    office: Office,
    flags: set[Flag] | frozenset[Flag] = frozenset(),
    is_primary_user: bool = False,
    job_title: str = "",
) -> PortalUser:
    if office.organisation_id != organisation.pk:
        raise ValueError("A user's office must belong to their organisation.")
    with transaction.atomic():
        portal_user = PortalUser(
            user=user, organisation=organisation, office=office, is_primary_user=is_primary_user, job_title=job_title
        )
        for flag in ALL_FLAGS:
            setattr(portal_user, flag.value, flag in flags)
        portal_user.save()
    return portal_user


class AdministrationError(Exception):
    """A rule refused the change; the message is for the user."""


USER_ADMIN_FLAGS = frozenset(BUNDLES["Full User Admin Access"])


def _user_event(*, actor: PortalUser, target: PortalUser, what: str) -> None:
    PortalUserEvent.objects.create(organisation_id=target.organisation_id, target=target, actor=actor.user, what=what)


def _flag_names(flags) -> str:
    return ", ".join(Flag(f).label for f in Flag if f in flags) or "none"


def office_update(*, office: Office, name: str, address: str, postcode: str, telephone: str, email: str) -> Office:
    _refuse_duplicate_name(parent=office.parent, name=name, office=office)
    Office.objects.filter(pk=office.pk).update(
        name=name, address=address, postcode=postcode, telephone=telephone, email=email
    )
    office.refresh_from_db()
    return office


def office_move_checked(*, actor: PortalUser, office: Office, new_parent: Office) -> Office:
    """Move an office within the actor's part of the organisation (never the office the actor works at)."""
    if office.pk == actor.office_id:
        raise AdministrationError("You cannot move the office you work at.")
    if not office.is_within(actor.office) or not new_parent.is_within(actor.office):
        raise AdministrationError("Both offices must be within your part of the organisation.")
    try:
        return office_move(office=office, new_parent=new_parent)
    except ValueError as exc:
        raise AdministrationError(str(exc)) from None


def office_close_checked(*, actor: PortalUser, office: Office) -> Office:
    """Close an office that nobody works at any more (its employees and users moved or gone)."""
    from portal.employees.models import Employment

    if office.pk == actor.office_id:
        raise AdministrationError("You cannot close the office you work at.")
    if office.parent_id is None:
        raise AdministrationError("The head office cannot be closed.")
    subtree = Office.objects.filter(organisation_id=office.organisation_id, path__startswith=office.path)
    if subtree.exclude(pk=office.pk).filter(closed_at__isnull=True).exists():
        raise AdministrationError("Close or move the offices below this one first.")
    if Employment.objects.filter(office=office, left_on__isnull=True).exists():
        raise AdministrationError("Move this office's current employees to another office first.")
    if PortalUser.objects.filter(office=office, removed_at__isnull=True).exists():
        raise AdministrationError("Move this office's users to another office first.")
    return office_close(office=office)


DETAIL_LABELS = {
    "name": "name",
    "address": "address",
    "postcode": "postcode",
    "telephone": "telephone",
    "email": "contact email",
}


@transaction.atomic
def organisation_update_details(
    *,
    organisation: Organisation,
    name: str,
    address: str,
    postcode: str,
    telephone: str,
    email: str,
    actor: User | None = None,
) -> Organisation:
    """Change the organisation's own details, recording what changed; a new name is announced
    (`organisation_renamed`) so that whatever finds cases by the organisation's name finds them by the new one."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    new = {"name": name, "address": address, "postcode": postcode, "telephone": telephone, "email": email}
    changed = [field for field, value in new.items() if getattr(locked, field) != value]
    if changed:
        old_name = locked.name
        for field in changed:
            setattr(locked, field, new[field])
        locked.save(update_fields=changed)
        what = "Changed the " + " and ".join(DETAIL_LABELS[field] for field in changed)
        if "name" in changed:
            what += f" (the name from {old_name} to {name})"
        OrganisationEvent.objects.create(organisation=locked, actor=actor, what=what + ".")
        if "name" in changed:
            organisation_renamed.send(sender=Organisation, organisation=locked, old_name=old_name)
    organisation.refresh_from_db()
    return organisation


def _check_grant(*, actor: PortalUser, target_flags: set[Flag], current: set[Flag]) -> None:
    changed = target_flags.symmetric_difference(current)
    beyond = {flag for flag in changed if not actor.has_flag(flag)}
    if beyond:
        names = ", ".join(sorted(Flag(f).label for f in beyond))
        raise AdministrationError(f"You cannot grant or withdraw permissions you do not hold yourself: {names}.")


def _check_holds_all(*, actor: PortalUser, target: PortalUser, doing: str) -> None:
    """Removing or moving a user changes every permission they hold: the actor must hold each of them."""
    beyond = target.flags - actor.flags
    if beyond:
        names = ", ".join(sorted(Flag(f).label for f in beyond))
        raise AdministrationError(f"You cannot {doing} a user who holds permissions you do not hold: {names}.")


def _head_office_user_admins(organisation_id: int) -> list[PortalUser]:
    """Active users at the head office holding every user-admin flag (a regional admin does not count), locked
    so that two changes cannot both pass the check that one is left."""
    users = PortalUser.objects.select_for_update().filter(
        organisation_id=organisation_id, removed_at__isnull=True, office__parent__isnull=True
    )
    for flag in USER_ADMIN_FLAGS:
        users = users.filter(**{flag.value: True})
    return list(users)


class AddressCannotBeAdded(AdministrationError):
    """One answer for every address that cannot be added, so it never tells whether the address has a login."""

    def __init__(self):
        super().__init__("This email address cannot be added. Check it, or ask the person for another address.")


def _has_jib_role(user: User) -> bool:
    """Administrators, JIB staff, anyone in a JIB team, and users of the JIB's own organisation."""
    return (
        user.is_superuser
        or user.is_staff
        or user.is_jib_staff
        or user.groups.exists()
        or PortalUser.objects.filter(user=user, organisation__is_jib=True).exists()
    )


def portal_user_add(
    *,
    actor: PortalUser,
    office: Office,
    flags: set[Flag],
    email: str,
    existing: bool = False,
    title: str = "",
    first_name: str = "",
    last_name: str = "",
    telephone: str = "",
    mobile: str = "",
) -> PortalUser:
    """Add a user at an office in the actor's scope, with flags the actor holds; they are sent an invitation.

    `existing` adds a person who already has a login; a new user's address may also belong to such a person,
    who is then added as they are. Only a person with no JIB role and no current organisation can be added;
    every other address gets the one AddressCannotBeAdded answer, whichever was chosen."""
    from portal.accounts import services as account_services

    if not actor.has_flag(Flag.ADD_USERS):
        raise AdministrationError("You need the Can Add Users permission.")
    if not office.is_within(actor.office) or not office.is_open:
        raise AdministrationError("Choose an open office within your part of the organisation.")
    _check_grant(actor=actor, target_flags=set(flags), current=set())
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=(email or "").strip()).first()
        if user is None:
            if existing:
                raise AddressCannotBeAdded
            user = account_services.user_create(
                email=email, title=title, first_name=first_name, last_name=last_name, telephone=telephone,
                mobile=mobile,
            )  # fmt: skip
        else:
            if not user.is_active or _has_jib_role(user):
                raise AddressCannotBeAdded
            if PortalUser.objects.filter(user=user, removed_at__isnull=True).exists():
                raise AddressCannotBeAdded
            PortalUser.objects.filter(user=user).delete()  # an old, removed membership is replaced
        portal_user = portal_user_create(user=user, organisation=actor.organisation, office=office, flags=set(flags))
        _user_event(
            actor=actor, target=portal_user, what=f"Added at {office.name} with permissions: {_flag_names(flags)}."
        )
        transaction.on_commit(
            lambda: account_services.invitation_send(user=user, organisation_name=actor.organisation.name)
        )
    return portal_user


def portal_user_set_permissions(
    *, actor: PortalUser, target: PortalUser, office: Office, flags: set[Flag]
) -> PortalUser:
    """Change a user's flags and office. Flags changed must be the actor's own; a move (a new office) changes
    every flag's reach, so it needs the actor to hold all the target's flags, over the old and the new office."""
    if not actor.has_flag(Flag.CHANGE_USER_PERMISSIONS):
        raise AdministrationError("You need the Can Change User Permissions permission.")
    if not office.is_within(actor.office) or not office.is_open:
        raise AdministrationError("Choose an open office within your part of the organisation.")
    with transaction.atomic():
        admins = _head_office_user_admins(actor.organisation_id)
        target = PortalUser.objects.select_for_update().select_related("office").get(pk=target.pk)
        if target.organisation_id != actor.organisation_id or not target.office.is_within(actor.office):
            raise AdministrationError("This user is outside your part of the organisation.")
        _check_grant(actor=actor, target_flags=set(flags), current=target.flags)
        if office.pk != target.office_id:
            _check_holds_all(actor=actor, target=target, doing="move")
        stays_admin = set(flags) >= USER_ADMIN_FLAGS and office.parent_id is None
        if target in admins and not stays_admin and len(admins) == 1:
            raise AdministrationError(
                "This is the last user with Full User Admin Access at the head office: give it to someone else "
                "at the head office first."
            )
        before_office, before_flags = target.office, target.flags
        for flag in Flag:
            setattr(target, flag.value, flag in flags)
        target.office = office
        target.save()
        changes = []
        if office.pk != before_office.pk:
            changes.append(f"moved from {before_office.name} to {office.name}")
        if set(flags) != before_flags:
            changes.append(f"permissions {_flag_names(before_flags)} became {_flag_names(flags)}")
        if changes:
            what = "; ".join(changes)
            _user_event(actor=actor, target=target, what=what[0].upper() + what[1:] + ".")
    return target


def portal_user_remove(*, actor: PortalUser, target: PortalUser) -> PortalUser:
    """Remove a user within the actor's part of the organisation who holds no flag the actor lacks. Their open
    invitations die with them."""
    from portal.accounts import services as account_services

    if not actor.has_flag(Flag.REMOVE_USERS):
        raise AdministrationError("You need the Can Remove Users permission.")
    if target.pk == actor.pk:
        raise AdministrationError("You cannot remove yourself.")
    with transaction.atomic():
        admins = _head_office_user_admins(actor.organisation_id)
        target = PortalUser.objects.select_for_update().select_related("office", "user").get(pk=target.pk)
        if target.organisation_id != actor.organisation_id or not target.office.is_within(actor.office):
            raise AdministrationError("This user is outside your part of the organisation.")
        if target.removed_at is not None:
            raise AdministrationError("This user has already been removed.")
        _check_holds_all(actor=actor, target=target, doing="remove")
        if target in admins and len(admins) == 1:
            raise AdministrationError(
                "This is the last user with Full User Admin Access at the head office and cannot be removed."
            )
        target.removed_at = timezone.now()
        target.save(update_fields=["removed_at"])
        revoked = account_services.invitations_revoke(user=target.user)
        _user_event(
            actor=actor,
            target=target,
            what=f"Removed, holding permissions: {_flag_names(target.flags)}."
            + (" Their invitation was withdrawn." if revoked else ""),
        )
    return target


def portal_user_reset_password(*, actor: PortalUser, target: PortalUser) -> None:
    """Email the user a link to choose a new password (the second factor is still asked at sign-in)."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.auth.forms import PasswordResetForm

    from portal.accounts import services as account_services

    if not actor.has_flag(Flag.RESET_USER_PASSWORDS):
        raise AdministrationError("You need the Can Reset User Passwords permission.")
    if not account_services.password_reset_mail_allowed(email=target.user.email):
        raise AdministrationError(
            f"{target.user.get_full_name()} has been sent {settings.PASSWORD_RESET_MAILS_PER_HOUR} links in the "
            "last hour. Ask them to use the newest one, or try again later."
        )
    _user_event(actor=actor, target=target, what="Sent a link to choose a new password.")
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm({"email": target.user.email})
    form.is_valid()
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
    )
