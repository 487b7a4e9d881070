"""Administer groups: the office tree and the employer details."""

import pytest

from portal.organisations import services
from tests.conftest import sign_in
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db


def test_add_rename_move_and_close_offices(client, primary_user):
    organisation = primary_user.organisation
    head = organisation.head_office
    sign_in(client, primary_user.user)
    client.post("/portal/organisation/groups/add/", {"name": "Wales", "kind": "region", "parent": head.pk})
    wales = organisation.offices.get(name="Wales")
    client.post("/portal/organisation/groups/add/", {"name": "Cardif", "kind": "office", "parent": wales.pk,
                                                     "postcode": "cf10 1aa"})  # fmt: skip
    cardiff = organisation.offices.get(name="Cardif")
    assert cardiff.postcode == "CF10 1AA" and cardiff.path.startswith(wales.path)
    client.post(f"/portal/organisation/groups/{cardiff.pk}/", {"name": "Cardiff", "postcode": "CF10 1AA"})
    cardiff.refresh_from_db()
    assert cardiff.name == "Cardiff"
    response = client.post(f"/portal/organisation/groups/{wales.pk}/move/", {"parent": cardiff.pk})
    assert response.status_code == 200  # cannot move below itself: not even offered
    employment = EmploymentFactory(organisation=organisation, office=cardiff)
    client.post(f"/portal/organisation/groups/{cardiff.pk}/close/")
    cardiff.refresh_from_db()
    assert cardiff.is_open  # refused while someone works there
    employment.left_on = employment.started_on
    employment.save()
    client.post(f"/portal/organisation/groups/{cardiff.pk}/close/")
    cardiff.refresh_from_db()
    assert not cardiff.is_open


def test_bad_postcode_is_shown_beside_the_field(client, primary_user):
    sign_in(client, primary_user.user)
    data = {"name": "X", "kind": "office", "parent": primary_user.office_id, "postcode": "nope"}
    response = client.post("/portal/organisation/groups/add/", data)
    assert "Enter a real UK postcode" in response.text


def test_employer_details(client, primary_user):
    sign_in(client, primary_user.user)
    response = client.post("/portal/organisation/details/", {"name": "Sparks Renamed Ltd", "postcode": "M1 1AE"})
    assert response.status_code == 302
    primary_user.organisation.refresh_from_db()
    assert primary_user.organisation.name == "Sparks Renamed Ltd"


def test_head_office_and_ones_own_office_cannot_close_or_move(primary_user):
    head = primary_user.organisation.head_office
    region = services.office_create(organisation=primary_user.organisation, parent=head, name="R", kind="region")
    with pytest.raises(services.AdministrationError, match="work at"):
        services.office_close_checked(actor=primary_user, office=head)
    with pytest.raises(services.AdministrationError, match="work at"):
        services.office_move_checked(actor=primary_user, office=head, new_parent=region)
    with pytest.raises(services.AdministrationError, match="below itself"):
        services.office_move_checked(actor=primary_user, office=region,
                                     new_parent=services.office_create(organisation=primary_user.organisation,
                                                                       parent=region, name="Inner"))  # fmt: skip
