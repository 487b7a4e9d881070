"""Organisations, their office trees and their portal users."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from portal.accounts.models import User
from portal.organisations.models import Office, Organisation, PortalUser
from portal.organisations.permissions import ALL_FLAGS, Flag

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


def office_create(
    *, organisation: Organisation, parent: Office | None, name: str, kind: str = Office.Kind.OFFICE, **contact
) -> Office:
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValueError("An office's parent must belong to the same organisation.")
    with transaction.atomic():
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
