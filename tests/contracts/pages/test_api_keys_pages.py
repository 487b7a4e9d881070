"""The API keys page: created and revoked by a head-office user with the right flags; the secret shown once."""

import pytest

from portal.organisations.permissions import Flag
from portal.sitechecks.models import ApiKey, ApiKeyEvent
from tests.factories import OfficeFactory, OrganisationFactory, PortalUserFactory

URL = "/portal/site-checks/api-keys/"


@pytest.fixture
def manager(db):
    return PortalUserFactory(flags={Flag.VIEW_CONTRACTS, Flag.EDIT_EMPLOYER_DETAILS})


def test_create_a_key_shows_the_secret_once(client, signed_in, manager):
    signed_in(manager)
    response = client.post(URL, {"name": "North gate"})
    assert response.status_code == 200
    key = ApiKey.objects.get(organisation=manager.organisation)
    secret = response.context["created"]["secret"]
    assert secret.startswith(f"ecs_{key.prefix}_") and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    again = client.get(URL)
    assert secret not in again.content.decode()
    assert key.shown_as in again.content.decode()
    assert ApiKeyEvent.objects.filter(key=key, actor=manager.user, what__contains="Created").exists()


def test_a_blank_or_duplicate_name_is_shown_beside_the_field(client, signed_in, manager):
    signed_in(manager)
    response = client.post(URL, {"name": "  "})
    assert "Enter what the key is for" in response.content.decode()
    client.post(URL, {"name": "North gate"})
    response = client.post(URL, {"name": "north gate"})
    assert "already has a key with this name" in response.context["form"].errors["name"][0]
    assert ApiKey.objects.count() == 1


def test_revoke_a_key_after_confirming(client, signed_in, manager):
    signed_in(manager)
    client.post(URL, {"name": "North gate"})
    key = ApiKey.objects.get()
    page = client.get(f"{URL}{key.pk}/revoke/")
    assert "Revoke the API key" in page.content.decode()
    key.refresh_from_db()
    assert key.is_active
    response = client.post(f"{URL}{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert not key.is_active and key.revoked_by == manager.user
    assert client.post(f"{URL}{key.pk}/revoke/").status_code == 404


@pytest.mark.parametrize(
    "flags", [{Flag.VIEW_CONTRACTS}, {Flag.EDIT_EMPLOYER_DETAILS}, set()], ids=["no-admin", "no-contracts", "none"]
)
def test_a_missing_flag_is_403(db, client, signed_in, flags):
    signed_in(PortalUserFactory(flags=flags))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "x"}).status_code == 403


def test_a_user_below_the_head_office_is_403(db, client, signed_in):
    organisation = OrganisationFactory()
    office = OfficeFactory(organisation=organisation)
    user = PortalUserFactory(organisation=organisation, office=office, all_flags=True)
    signed_in(user)
    assert client.get(URL).status_code == 403


def test_without_ecs_check_on_the_licence_403(db, client, signed_in):
    organisation = OrganisationFactory(licence__ecs_check=False)
    signed_in(PortalUserFactory(organisation=organisation, all_flags=True))
    assert client.get(URL).status_code == 403


def test_another_organisations_key_is_404(client, signed_in, manager):
    other = PortalUserFactory(all_flags=True)
    from portal.sitechecks.services import api_key_create

    key, _ = api_key_create(actor=other, name="Their gate")
    signed_in(manager)
    assert client.get(f"{URL}{key.pk}/revoke/").status_code == 404
    assert client.post(f"{URL}{key.pk}/revoke/").status_code == 404
    assert "Their gate" not in client.get(URL).content.decode()
    key.refresh_from_db()
    assert key.is_active


def test_the_list_makes_constant_queries(client, signed_in, manager, django_assert_max_num_queries):
    from portal.sitechecks.services import api_key_create

    for n in range(15):
        api_key_create(actor=manager, name=f"Gate {n}")
    signed_in(manager)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
