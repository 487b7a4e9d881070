"""The authorisation helper: organisation, office subtree and flag, checked together."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.organisations import services
from portal.organisations.access import access, access_office, offices_in_scope, scope
from portal.organisations.models import Office, PortalUser
from portal.organisations.permissions import BUNDLES, Flag
from tests.factories import OrganisationFactory, PortalUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    organisation = OrganisationFactory(name="Tree Electrical Ltd")
    head = organisation.head_office
    north = services.office_create(organisation=organisation, parent=head, name="North", kind="region")
    south = services.office_create(organisation=organisation, parent=head, name="South", kind="region")
    leeds = services.office_create(organisation=organisation, parent=north, name="Leeds")
    bristol = services.office_create(organisation=organisation, parent=south, name="Bristol")
    return organisation, head, north, south, leeds, bristol


def test_regional_manager_sees_only_their_region(tree):
    organisation, head, north, south, leeds, bristol = tree
    manager = PortalUserFactory(organisation=organisation, office=north, flags=BUNDLES["Full Employee Access"])
    visible = set(offices_in_scope(manager))
    assert visible == {north, leeds}
    assert access_office(manager, office_id=leeds.pk, flag=None) == leeds
    for other in (head, south, bristol):
        with pytest.raises(Http404):
            access_office(manager, office_id=other.pk, flag=None)


def test_users_outside_the_subtree_are_not_visible(tree):
    organisation, head, north, south, leeds, bristol = tree
    manager = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.ADD_USERS])
    in_leeds = PortalUserFactory(organisation=organisation, office=leeds)
    in_bristol = PortalUserFactory(organisation=organisation, office=bristol)
    users = scope(PortalUser.objects.all(), manager, flag=Flag.ADD_USERS)
    assert in_leeds in users and manager in users
    assert in_bristol not in users
    with pytest.raises(Http404):
        access(PortalUser.objects.all(), manager, flag=Flag.ADD_USERS, pk=in_bristol.pk)


def test_missing_flag_is_403_before_anything_is_fetched(tree):
    organisation, head, north, *_ = tree
    user = PortalUserFactory(organisation=organisation, office=head, flags=[Flag.VIEW_EMPLOYEES])
    with pytest.raises(PermissionDenied):
        access_office(user, office_id=north.pk, flag=Flag.CREATE_COMPANY_GROUPS)
    with pytest.raises(PermissionDenied):
        scope(Office.objects.all(), user, flag=Flag.ADD_USERS, office_field=None)


def test_another_organisation_is_404_even_with_every_flag(tree):
    organisation, head, *_ = tree
    other = OrganisationFactory()
    outsider = PortalUserFactory(organisation=other, office=other.head_office, all_flags=True)
    with pytest.raises(Http404):
        access_office(outsider, office_id=head.pk, flag=Flag.CREATE_COMPANY_GROUPS)
    assert not scope(Office.objects.all(), outsider, flag=None, office_field=None).filter(pk=head.pk).exists()


def test_garbage_ids_are_404(tree):
    organisation, head, *_ = tree
    user = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    with pytest.raises(Http404):
        access_office(user, office_id="not-a-number", flag=None)


def test_moving_an_office_moves_its_subtree(tree):
    organisation, head, north, south, leeds, bristol = tree
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


def test_removed_portal_user_loses_the_portal(client, primary_user):
    from django.utils import timezone

    from tests.conftest import sign_in

    sign_in(client, primary_user.user)
    PortalUser.objects.filter(pk=primary_user.pk).update(removed_at=timezone.now())
    assert client.get("/portal/").status_code == 403
