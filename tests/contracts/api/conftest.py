import pytest

from portal.sitechecks.services import api_key_create
from tests.factories import OrganisationFactory, PortalUserFactory


@pytest.fixture
def key_owner(db):
    organisation = OrganisationFactory()
    return PortalUserFactory(organisation=organisation, all_flags=True)


@pytest.fixture
def api_key(key_owner):
    """(ApiKey, raw secret) of a fresh organisation."""
    return api_key_create(actor=key_owner, name="North gate")


@pytest.fixture
def api_get(client):
    def _get(path, raw_key=None, **params):
        headers = {"X-API-Key": raw_key} if raw_key else {}
        return client.get(path, params, headers=headers)

    return _get


@pytest.fixture
def openapi(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()
