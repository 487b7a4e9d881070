"""The authorisation helper: organisation, office subtree and flag, checked together."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.organisations import services
from portal.organisations.access import AnyOf, access, access_office, holds, offices_in_scope, require_flag, scope
from portal.organisations.models import Office, PortalUser
from portal.organisations.permissions import BUNDLES, Flag
from tests.factories import OrganisationFactory, PortalUserFactory

pytestmark = pytest.mark.django_db


def test_regional_manager_sees_only_their_region(office_tree):
    organisation, head, north, south, leeds, bristol = office_tree
    manager = PortalUserFactory(organisation=organisation, office=north, flags=BUNDLES["Full Employee Access"])
    visible = set(offices_in_scope(manager))
    assert visible == {north, leeds}
    assert access_office(manager, office_id=leeds.pk, flag=None) == leeds
    for other in (head, south, bristol):
        with pytest.raises(Http404):
            access_office(manager, office_id=other.pk, flag=None)


def test_users_outside_the_subtree_are_not_visible(office_tree):
    organisation, head, north, south, leeds, bristol = office_tree
    manager = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.ADD_USERS])
    in_leeds = PortalUserFactory(organisation=organisation, office=leeds)
    in_bristol = PortalUserFactory(organisation=organisation, office=bristol)
    users = scope(PortalUser.objects.all(), manager, flag=Flag.ADD_USERS)
    assert in_leeds in users and manager in users
    assert in_bristol not in users
    with pytest.raises(Http404):
        access(PortalUser.objects.all(), manager, flag=Flag.ADD_USERS, pk=in_bristol.pk)


def test_missing_flag_is_403_before_anything_is_fetched(office_tree):
    organisation, head, north, *_ = office_tree
    user = PortalUserFactory(organisation=organisation, office=head, flags=[Flag.VIEW_EMPLOYEES])
    with pytest.raises(PermissionDenied):
        access_office(user, office_id=north.pk, flag=Flag.CREATE_COMPANY_GROUPS)
    with pytest.raises(PermissionDenied):
        scope(Office.objects.all(), user, flag=Flag.ADD_USERS, office_field=None)


def test_another_organisation_is_404_even_with_every_flag(office_tree):
    organisation, head, *_ = office_tree
    other = OrganisationFactory()
    outsider = PortalUserFactory(organisation=other, office=other.head_office, all_flags=True)
    with pytest.raises(Http404):
        access_office(outsider, office_id=head.pk, flag=Flag.CREATE_COMPANY_GROUPS)
    assert not scope(Office.objects.all(), outsider, flag=None, office_field=None).filter(pk=head.pk).exists()


def test_garbage_ids_are_404(office_tree):
    organisation, head, *_ = office_tree
    user = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    with pytest.raises(Http404):
        access_office(user, office_id="not-a-number", flag=None)


def test_moving_an_office_moves_its_subtree(office_tree):
    organisation, head, north, south, leeds, bristol = office_tree
    deep = services.office_create(organisation=organisation, parent=leeds, name="Leeds Depot")
    services.office_move(office=leeds, new_parent=south)
    leeds.refresh_from_db()
    deep.refresh_from_db()
    assert leeds.parent == south and leeds.path.startswith(south.path) and leeds.depth == 2
    assert deep.path.startswith(leeds.path) and deep.depth == 3
    with pytest.raises(ValueError):
        services.office_move(office=south, new_parent=deep)
    with pytest.raises(ValueError):
        services.office_move(office=head, new_parent=north)


# "Any of these flags": AnyOf


def test_any_of_is_403_with_none_of_the_flags_and_allowed_with_either(office_tree):
    organisation, head, north, south, leeds, bristol = office_tree
    either = AnyOf(Flag.ADD_USERS, Flag.REMOVE_USERS)
    in_leeds = PortalUserFactory(organisation=organisation, office=leeds)
    with_none = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.VIEW_EMPLOYEES])
    with pytest.raises(PermissionDenied, match="“Can Add Users” or “Can Remove Users”"):
        access(PortalUser.objects.all(), with_none, flag=either, pk=in_leeds.pk)
    assert not holds(with_none, either)
    for flag in (Flag.ADD_USERS, Flag.REMOVE_USERS):
        holder = PortalUserFactory(organisation=organisation, office=north, flags=[flag])
        assert holds(holder, either)
        require_flag(holder, either)
        assert access(PortalUser.objects.all(), holder, flag=either, pk=in_leeds.pk) == in_leeds
        visible = set(scope(PortalUser.objects.all(), holder, flag=either))
        assert {holder, with_none, in_leeds} <= visible and {p.office for p in visible} <= {north, leeds}


def test_any_of_is_404_outside_the_office_subtree(office_tree):
    organisation, head, north, south, leeds, bristol = office_tree
    holder = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.REMOVE_USERS])
    either = AnyOf(Flag.ADD_USERS, Flag.REMOVE_USERS)
    for office in (head, south, bristol):
        outside = PortalUserFactory(organisation=organisation, office=office)
        with pytest.raises(Http404):
            access(PortalUser.objects.all(), holder, flag=either, pk=outside.pk)
    other = OrganisationFactory()
    stranger = PortalUserFactory(organisation=other, office=other.head_office)
    with pytest.raises(Http404):
        access(PortalUser.objects.all(), holder, flag=either, pk=stranger.pk)


# Narrowing to a chosen office: scope(within=...)


def test_scope_within_a_chosen_office_and_404_outside_the_users_subtree(office_tree):
    organisation, head, north, south, leeds, bristol = office_tree
    manager = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.VIEW_EMPLOYEES])
    in_north = PortalUserFactory(organisation=organisation, office=north)
    in_leeds = PortalUserFactory(organisation=organisation, office=leeds)
    assert set(scope(PortalUser.objects.all(), manager, flag=None, within=leeds)) == {in_leeds}
    assert in_north in scope(PortalUser.objects.all(), manager, flag=None, within=north)
    other = OrganisationFactory()
    for office in (head, south, bristol, other.head_office):
        with pytest.raises(Http404):
            scope(PortalUser.objects.all(), manager, flag=None, within=office)


def test_employee_pages_read_through_the_scope(office_tree):
    """A regional manager's expiring cards and an employee's history hold nothing from outside the region."""
    from datetime import date, timedelta

    from portal.employees import selectors
    from tests.factories_registry import CardFactory, EmploymentFactory

    organisation, head, north, south, leeds, bristol = office_tree
    manager = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.VIEW_EMPLOYEES])
    soon = date.today() + timedelta(days=30)
    here = EmploymentFactory(organisation=organisation, office=leeds)
    there = EmploymentFactory(organisation=organisation, office=bristol)
    elsewhere = EmploymentFactory(organisation=OrganisationFactory())
    cards = {e.pk: CardFactory(operative=e.operative, expires_on=soon) for e in (here, there, elsewhere)}
    assert [e.card for e in selectors.expiring_cards(manager, expired=False)] == [cards[here.pk]]
    # The same operative earlier at Bristol, then at Leeds: the regional manager sees the Leeds employment only.
    earlier = EmploymentFactory(
        organisation=organisation, office=bristol, operative=here.operative, left_on=date(2021, 1, 1)
    )
    assert list(selectors.employment_history(manager, operative=here.operative)) == [here]
    head_user = PortalUserFactory(organisation=organisation, office=head, flags=[Flag.VIEW_EMPLOYEES])
    assert set(selectors.employment_history(head_user, operative=here.operative)) == {here, earlier}
    with pytest.raises(PermissionDenied):
        selectors.expiring_cards(PortalUserFactory(organisation=organisation, office=north), expired=False)
