"""Invitations work once, for seven days, and die with the user's removal; licence status links expire."""

import time
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from portal.accounts import services
from portal.accounts.models import Invitation
from portal.licensing.models import LicenceApplication
from portal.licensing.selectors import licence_application_status_url
from portal.organisations import services as org_services
from portal.organisations.permissions import Flag
from tests.factories import PortalUserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Brand-new-password-1"


def path_of(url: str) -> str:
    return url.split("127.0.0.1:8000", 1)[1]


@pytest.fixture
def invited(primary_user, django_capture_on_commit_callbacks):
    """A user the Primary User has just added, and the link in their invitation."""
    with django_capture_on_commit_callbacks(execute=True):
        added = org_services.portal_user_add(
            actor=primary_user, office=primary_user.office, flags={Flag.VIEW_EMPLOYEES}, email="invited@example.co.uk",
            first_name="Ivy", last_name="Invited", mobile="+447700900777",
        )  # fmt: skip
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/invitation/" in line)
    return added, path_of(link.strip())


def accept(client, path):
    return client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_a_removed_users_invitation_no_longer_works(client, primary_user, invited):
    added, path = invited
    assert client.get(path).status_code == 200
    org_services.portal_user_remove(actor=primary_user, target=added)
    assert client.get(path).status_code == 404
    assert accept(client, path).status_code == 404
    added.user.refresh_from_db()
    assert not added.user.has_usable_password()
    assert client.post("/accounts/sign-in/", {"email": added.user.email, "password": NEW_PASSWORD}).status_code == 200


def test_a_removed_users_invitation_is_dead_even_if_not_revoked(client, invited):
    added, path = invited
    type(added).objects.filter(pk=added.pk).update(removed_at=timezone.now())
    assert client.get(path).status_code == 404


def test_an_invitation_expires_after_seven_days(client, invited, settings):
    added, path = invited
    invitation = Invitation.objects.get(user=added.user)
    assert settings.INVITATION_VALIDITY_DAYS == 7
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert "for 7 days" in mail.outbox[-1].body
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path).status_code == 404
    assert accept(client, path).status_code == 404


def test_an_invitation_is_single_use(client, invited):
    added, path = invited
    assert accept(client, path)["Location"] == "/accounts/sign-in/code/"
    client.logout()
    assert client.get(path).status_code == 404
    assert accept(client, path).status_code == 404
    # Accepting with the invitation read before it was used (two tabs at once) is refused too.
    invitation = Invitation.objects.get(user=added.user)
    invitation.used_at = None
    with pytest.raises(services.InvitationClosed):
        services.invitation_accept(invitation=invitation, password="Another-password-22")


def test_a_new_invitation_replaces_the_old_one(client, invited):
    added, old_path = invited
    new_path = path_of(services.invitation_send(user=added.user))
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_only_a_hash_of_the_link_is_stored(invited):
    added, path = invited
    secret = path.rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash__contains=secret).exists()


def test_an_unknown_link_does_not_work(client):
    PortalUserFactory()
    assert client.get("/accounts/invitation/not-a-real-token/").status_code == 404


def application():
    return LicenceApplication.objects.create(
        reference="LA2026-123456", organisation_name="Spark Ltd", address="1 High St", postcode="M1 1AA",
        telephone="01614960000", contact_email="apply@example.co.uk", signatory_name="Sam Signer",
        signatory_job_title="Director", signatory_position="director", terms_accepted=True, signed_on=date.today(),
        directly_employed_operatives=12, primary_first_name="Pat", primary_last_name="Primary",
        primary_email="pat@example.co.uk", primary_mobile="+447700900123",
    )  # fmt: skip


def test_a_licence_status_link_expires(client, settings):
    path = licence_application_status_url(application=application()).split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    days = settings.LICENCE_STATUS_LINK_DAYS
    assert days == 30
    with mock.patch("time.time", return_value=time.time() + (days - 1) * 86400):
        assert client.get(path).status_code == 200
    with mock.patch("time.time", return_value=time.time() + days * 86400 + 60):
        response = client.get(path)
    assert response.status_code == 404
    assert "newest" in response.text
