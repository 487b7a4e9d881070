"""The authorisation helper as pages apply it: a removed user loses the portal; a page for any of several flags."""

import pytest
from django.test import Client

from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag
from tests.factories import PortalUserFactory

pytestmark = pytest.mark.django_db


def test_removed_portal_user_loses_the_portal(client, primary_user):
    from django.utils import timezone

    from tests.conftest import sign_in

    sign_in(client, primary_user.user)
    PortalUser.objects.filter(pk=primary_user.pk).update(removed_at=timezone.now())
    assert client.get("/portal/").status_code == 403


def test_a_page_for_any_of_the_user_admin_flags(client, office_tree):
    """The users page opens with any one user-administration flag, and is 403 with none of them."""
    from tests.conftest import sign_in

    organisation, head, *_ = office_tree
    nobody = PortalUserFactory(organisation=organisation, office=head, flags=[Flag.VIEW_EMPLOYEES])
    assert sign_in(Client(), nobody.user).get("/portal/organisation/users/").status_code == 403
    for flag in (Flag.ADD_USERS, Flag.REMOVE_USERS, Flag.CHANGE_USER_PERMISSIONS, Flag.RESET_USER_PASSWORDS):
        admin = PortalUserFactory(organisation=organisation, office=head, flags=[flag])
        assert sign_in(Client(), admin.user).get("/portal/organisation/users/").status_code == 200, flag
