"""Administer users through the services: which flags one may grant, scope, the last user admin, removing and
moving a user, two admins at once, each change recorded."""

import pytest

from portal.organisations import services
from portal.organisations.models import PortalUser
from portal.organisations.permissions import ALL_FLAGS, Flag
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.organisations.conftest import USER_ADMIN

pytestmark = pytest.mark.django_db


def test_cannot_grant_flags_one_lacks(two_regions):
    organisation, head, north, south = two_regions
    admin = PortalUserFactory(organisation=organisation, office=head, flags=[*USER_ADMIN, Flag.VIEW_EMPLOYEES])
    with pytest.raises(services.AdministrationError, match="Can Use Funds"):
        services.portal_user_add(
            actor=admin, office=north, flags={Flag.USE_FUNDS}, email="a@example.co.uk", first_name="A",
            last_name="B", mobile="+447700123456",
        )  # fmt: skip
    target = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.USE_FUNDS])
    # Nor withdraw them.
    with pytest.raises(services.AdministrationError):
        services.portal_user_set_permissions(actor=admin, target=target, office=north, flags=set())
    # Flags one holds can be granted.
    services.portal_user_set_permissions(
        actor=admin, target=target, office=north, flags={Flag.USE_FUNDS, Flag.VIEW_EMPLOYEES}
    )
    target.refresh_from_db()
    assert target.flags == {Flag.USE_FUNDS, Flag.VIEW_EMPLOYEES}


def test_cannot_act_outside_ones_scope(two_regions):
    organisation, head, north, south = two_regions
    manager = PortalUserFactory(organisation=organisation, office=north, flags=ALL_FLAGS)
    in_south = PortalUserFactory(organisation=organisation, office=south)
    with pytest.raises(services.AdministrationError):
        services.portal_user_add(
            actor=manager, office=south, flags=set(), email="s@example.co.uk", first_name="S", last_name="S",
            mobile="+447700123456",
        )  # fmt: skip
    with pytest.raises(services.AdministrationError):
        services.portal_user_set_permissions(actor=manager, target=in_south, office=north, flags=set())


def test_the_last_full_user_admin_keeps_it(two_regions):
    organisation, head, north, south = two_regions
    only = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    with pytest.raises(services.AdministrationError, match="last user with Full User Admin Access"):
        services.portal_user_set_permissions(
            actor=only, target=only, office=head, flags=set(ALL_FLAGS) - {Flag.REMOVE_USERS}
        )
    other = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    services.portal_user_set_permissions(actor=only, target=only, office=head, flags={Flag.VIEW_EMPLOYEES})
    with pytest.raises(services.AdministrationError, match="yourself"):
        services.portal_user_remove(actor=other, target=other)
    with pytest.raises(services.AdministrationError, match="last user with Full User Admin Access"):
        services.portal_user_set_permissions(
            actor=other, target=other, office=head, flags=set(USER_ADMIN) - {Flag.ADD_USERS}
        )


def test_a_regional_admin_does_not_count_as_the_organisations_user_admin(two_regions):
    organisation, head, north, south = two_regions
    primary = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    PortalUserFactory(organisation=organisation, office=north, all_flags=True)
    # The head office's only Full User Admin can neither drop it nor move to a region.
    with pytest.raises(services.AdministrationError, match="last user with Full User Admin Access at the head office"):
        services.portal_user_set_permissions(actor=primary, target=primary, office=head, flags={Flag.VIEW_EMPLOYEES})
    with pytest.raises(services.AdministrationError, match="at the head office"):
        services.portal_user_set_permissions(actor=primary, target=primary, office=north, flags=set(ALL_FLAGS))
    primary.refresh_from_db()
    assert primary.office == head and primary.flags == set(ALL_FLAGS)
    # With a second one at the head office, the move is allowed.
    PortalUserFactory(organisation=organisation, office=head, flags=USER_ADMIN)
    services.portal_user_set_permissions(actor=primary, target=primary, office=north, flags=set(ALL_FLAGS))
    primary.refresh_from_db()
    assert primary.office == north


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_others_admin_access_at_once_leave_one_admin():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    organisation = OrganisationFactory()
    head = organisation.head_office
    first = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    second = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    start = threading.Barrier(2)
    outcomes = []

    def strip(actor, target):
        try:
            start.wait()
            services.portal_user_set_permissions(actor=actor, target=target, office=head, flags={Flag.VIEW_EMPLOYEES})
            outcomes.append("done")
        except services.AdministrationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=strip, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["done", "refused"]
    admins = [p for p in PortalUser.objects.filter(organisation=organisation) if set(USER_ADMIN) <= p.flags]
    assert len(admins) == 1


def test_removing_a_user_needs_every_flag_they_hold(two_regions):
    organisation, head, north, south = two_regions
    primary = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    admin = PortalUserFactory(organisation=organisation, office=head, flags=USER_ADMIN)
    with pytest.raises(services.AdministrationError, match="permissions you do not hold"):
        services.portal_user_remove(actor=admin, target=primary)
    regional = PortalUserFactory(organisation=organisation, office=north, flags=[*USER_ADMIN, Flag.USE_FUNDS])
    with pytest.raises(services.AdministrationError, match="Can Use Funds"):
        services.portal_user_remove(actor=admin, target=regional)
    primary.refresh_from_db()
    regional.refresh_from_db()
    assert primary.removed_at is None and regional.removed_at is None
    # A user whose flags the actor all holds can be removed.
    clerk = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.ADD_USERS])
    services.portal_user_remove(actor=admin, target=clerk)
    clerk.refresh_from_db()
    assert clerk.removed_at is not None


def test_moving_a_user_needs_every_flag_they_hold_over_the_old_and_new_office(two_regions):
    organisation, head, north, south = two_regions
    primary = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    admin = PortalUserFactory(organisation=organisation, office=head, flags=USER_ADMIN)
    # Moving the Primary User to a branch would narrow all their flags: refused.
    with pytest.raises(services.AdministrationError, match="cannot move a user who holds permissions"):
        services.portal_user_set_permissions(actor=admin, target=primary, office=north, flags=set(ALL_FLAGS))
    primary.refresh_from_db()
    assert primary.office == head
    # A regional admin cannot move one of their users out of their region, nor reach another region's user.
    regional = PortalUserFactory(organisation=organisation, office=north, all_flags=True)
    in_north = PortalUserFactory(organisation=organisation, office=north, flags=[Flag.VIEW_EMPLOYEES])
    in_south = PortalUserFactory(organisation=organisation, office=south, flags=[Flag.VIEW_EMPLOYEES])
    with pytest.raises(services.AdministrationError, match="within your part"):
        services.portal_user_set_permissions(actor=regional, target=in_north, office=south, flags={Flag.VIEW_EMPLOYEES})
    with pytest.raises(services.AdministrationError, match="outside your part"):
        services.portal_user_set_permissions(actor=regional, target=in_south, office=north, flags={Flag.VIEW_EMPLOYEES})
    with pytest.raises(services.AdministrationError, match="outside your part"):
        services.portal_user_remove(actor=regional, target=in_south)
    with pytest.raises(services.AdministrationError, match="Can View Employees"):
        services.portal_user_set_permissions(actor=admin, target=in_south, office=north, flags={Flag.VIEW_EMPLOYEES})
    # Flags the actor holds: the move is allowed.
    services.portal_user_set_permissions(actor=primary, target=in_south, office=north, flags={Flag.VIEW_EMPLOYEES})
    in_south.refresh_from_db()
    assert in_south.office == north


def test_every_change_to_a_user_is_recorded(two_regions, django_capture_on_commit_callbacks):
    from portal.organisations.models import PortalUserEvent

    organisation, head, north, south = two_regions
    primary = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    with django_capture_on_commit_callbacks(execute=True):
        added = services.portal_user_add(
            actor=primary, office=head, flags={Flag.VIEW_EMPLOYEES}, email="rec@example.co.uk", first_name="R",
            last_name="Ecord", mobile="+447700123456",
        )  # fmt: skip
    services.portal_user_set_permissions(actor=primary, target=added, office=north, flags={Flag.USE_FUNDS})
    services.portal_user_reset_password(actor=primary, target=added)
    services.portal_user_remove(actor=primary, target=added)
    events = list(PortalUserEvent.objects.filter(target=added).values_list("actor", "what"))
    assert [actor for actor, _ in events] == [primary.user_id] * 4
    assert [what for _, what in events] == [
        f"Added at {head.name} with permissions: Can View Employees.",
        f"Moved from {head.name} to North Region; permissions Can View Employees became Can Use Funds.",
        "Sent a link to choose a new password.",
        "Removed, holding permissions: Can Use Funds. Their invitation was withdrawn.",
    ]
