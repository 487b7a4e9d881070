"""The user administration pages: adding, permissions, removal and password reset, within scope and flags."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from portal.organisations.models import PortalUser
from portal.organisations.permissions import BUNDLES, Flag
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, PortalUserFactory, UserFactory
from tests.organisations.conftest import USER_ADMIN

pytestmark = pytest.mark.django_db


def flags_post(flags, office):
    return {"office": office.pk, **{f.value: "on" for f in flags}}


def test_add_a_new_user_sends_an_invitation(client, primary_user, django_capture_on_commit_callbacks):
    sign_in(client, primary_user.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
        "/portal/organisation/users/add/",
            {"who": "new", "email": "new.admin@example.co.uk", "first_name": "Nia", "last_name": "New",
             "mobile": "07700 123456", **flags_post([], primary_user.office),
             "bundle_full_employee_access": "on"},
        )  # fmt: skip
    assert response.status_code == 302, response.content[:400]
    added = PortalUser.objects.get(user__email="new.admin@example.co.uk")
    assert added.flags == set(BUNDLES["Full Employee Access"])
    assert added.user.mobile == "+447700123456"
    assert "/accounts/invitation/" in mail.outbox[-1].body


def test_add_form_errors_are_beside_the_fields(client, primary_user):
    sign_in(client, primary_user.user)
    response = client.post(
        "/portal/organisation/users/add/",
        {"who": "new", "email": "x@example.co.uk", "mobile": "0161 496 0000", **flags_post([], primary_user.office)},
    )
    assert "Enter the first name" in response.text
    assert "mobile phone number that can receive text messages" in response.text
    assert not PortalUser.objects.filter(user__email="x@example.co.uk").exists()


def test_add_an_existing_user(client, primary_user):
    former = UserFactory(email="former@example.co.uk")
    sign_in(client, primary_user.user)
    response = client.post(
        "/portal/organisation/users/add/",
        {"who": "existing", "email": "former@example.co.uk", **flags_post([Flag.VIEW_EMPLOYEES], primary_user.office)},
    )
    assert response.status_code == 302
    assert PortalUser.objects.get(user=former).flags == {Flag.VIEW_EMPLOYEES}


def test_regional_manager_cannot_see_or_change_another_regions_users_or_offices(client, two_regions):
    organisation, head, north, south = two_regions
    manager = PortalUserFactory(
        organisation=organisation, office=north, flags=[*USER_ADMIN, Flag.CREATE_COMPANY_GROUPS]
    )
    southerner = PortalUserFactory(organisation=organisation, office=south, user__last_name="Southwick")
    sign_in(client, manager.user)
    assert "Southwick" not in client.get("/portal/organisation/users/").text
    assert client.get(f"/portal/organisation/users/{southerner.pk}/").status_code == 404
    assert client.post(f"/portal/organisation/users/{southerner.pk}/remove/").status_code == 404
    assert client.post(f"/portal/organisation/users/{southerner.pk}/reset-password/").status_code == 404
    groups = client.get("/portal/organisation/groups/").text
    assert "North Region" in groups and "South Region" not in groups
    assert client.get(f"/portal/organisation/groups/{south.pk}/").status_code == 404
    assert client.post(f"/portal/organisation/groups/{south.pk}/close/").status_code == 404
    response = client.post("/portal/organisation/groups/add/", {"name": "Sneaky", "kind": "office", "parent": south.pk})
    assert response.status_code == 200 and not organisation.offices.filter(name="Sneaky").exists()


def test_other_organisation_is_404_and_missing_flag_is_403(client, two_regions):
    organisation, head, north, south = two_regions
    target = PortalUserFactory(organisation=organisation, office=head)
    other = OrganisationFactory()
    outsider = PortalUserFactory(organisation=other, all_flags=True)
    sign_in(client, outsider.user)
    assert client.get(f"/portal/organisation/users/{target.pk}/").status_code == 404
    assert client.get(f"/portal/organisation/groups/{head.pk}/").status_code == 404
    client.logout()
    no_flags = PortalUserFactory(organisation=organisation, office=head, flags=[Flag.VIEW_EMPLOYEES])
    sign_in(client, no_flags.user)
    for url in ["/portal/organisation/", "/portal/organisation/users/", "/portal/organisation/users/add/",
                f"/portal/organisation/users/{target.pk}/", "/portal/organisation/groups/",
                "/portal/organisation/details/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403, url
        assert target.user.email not in response.text


def test_reset_password_emails_a_link(client, primary_user):
    target = PortalUserFactory(organisation=primary_user.organisation, office=primary_user.office)
    sign_in(client, primary_user.user)
    client.post(f"/portal/organisation/users/{target.pk}/reset-password/")
    assert mail.outbox[-1].to == [target.user.email] and "/accounts/password-reset/" in mail.outbox[-1].body


def test_removed_user_keeps_history_and_loses_access(client, primary_user):
    target = PortalUserFactory(organisation=primary_user.organisation, office=primary_user.office)
    sign_in(client, primary_user.user)
    client.post(f"/portal/organisation/users/{target.pk}/remove/")
    target.refresh_from_db()
    assert target.removed_at is not None
    client.logout()
    sign_in(client, target.user)
    assert client.get("/portal/").status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_user_list_query_count_is_constant(client, primary_user, count, django_assert_max_num_queries):
    for _ in range(count):
        PortalUserFactory(organisation=primary_user.organisation, office=primary_user.office)
    sign_in(client, primary_user.user)
    with django_assert_max_num_queries(8):
        client.get("/portal/organisation/users/")
    with django_assert_max_num_queries(8):
        client.get("/portal/organisation/groups/")


def test_removal_over_http_keeps_the_user_and_says_why(client, two_regions):
    organisation, head, north, south = two_regions
    primary = PortalUserFactory(organisation=organisation, office=head, all_flags=True)
    admin = PortalUserFactory(organisation=organisation, office=head, flags=USER_ADMIN)
    sign_in(client, admin.user)
    response = client.post(f"/portal/organisation/users/{primary.pk}/remove/", follow=True)
    assert "holds permissions you do not hold" in response.text
    primary.refresh_from_db()
    assert primary.removed_at is None


def add_page(client, who, email, office):
    details = {"first_name": "Ada", "last_name": "Added", "mobile": "07700 123456"} if who == "new" else {}
    response = client.post(
        "/portal/organisation/users/add/",
        {"who": who, "email": email, **details, **flags_post([Flag.VIEW_EMPLOYEES], office)},
    )
    # What differs by design: the address typed and the CSRF token.
    return response, re.sub(r'value="[A-Za-z0-9]{64}"', "", response.text.replace(email, "EMAIL"))


@pytest.mark.parametrize("who", ["existing", "new"])
def test_no_jib_account_can_be_attached_and_every_refusal_looks_the_same(client, primary_user, who):
    from django.contrib.auth.models import Group

    from portal.accounts.models import User

    superuser = User.objects.create_superuser("root@example.co.uk", "x" * 20, first_name="R", last_name="Oot")
    superuser.is_staff = False  # the superuser need not be staff to be refused
    superuser.save()
    jib_staff = UserFactory(is_jib_staff=True)
    in_a_team = UserFactory()
    in_a_team.groups.add(Group.objects.get(name="finance"))
    admin_staff = UserFactory(is_staff=True)
    jib_organisation = OrganisationFactory(is_jib=True)
    at_the_jib = PortalUserFactory(organisation=jib_organisation)
    PortalUser.objects.filter(pk=at_the_jib.pk).update(removed_at=timezone.now())
    at_the_jib = at_the_jib.user
    elsewhere = PortalUserFactory(organisation=OrganisationFactory()).user
    inactive = UserFactory(is_active=False)
    sign_in(client, primary_user.user)
    refused = [superuser, jib_staff, in_a_team, admin_staff, at_the_jib, elsewhere, inactive]
    pages = set()
    for person in refused:
        response, page = add_page(client, who, person.email, primary_user.office)
        assert response.status_code == 200, person
        assert "This email address cannot be added" in response.text
        pages.add(page)
        assert not PortalUser.objects.filter(user=person, organisation=primary_user.organisation).exists()
    if who == "existing":
        # An address with no login at all gets the very same page.
        pages.add(add_page(client, who, "nobody.here@example.co.uk", primary_user.office)[1])
    assert len(pages) == 1
    assert "already" not in pages.pop()


def test_a_new_users_address_that_belongs_to_a_former_user_adds_that_person(client, primary_user):
    former = PortalUserFactory(organisation=OrganisationFactory())
    PortalUser.objects.filter(pk=former.pk).update(removed_at=timezone.now())
    former = former.user
    sign_in(client, primary_user.user)
    response, _ = add_page(client, "new", former.email.upper(), primary_user.office)
    assert response.status_code == 302
    assert PortalUser.objects.get(user=former).organisation == primary_user.organisation
