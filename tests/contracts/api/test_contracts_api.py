"""A contract's workforce through the API: same scope as the pages; answers validated against the OpenAPI document."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.contracts.models import ContractParty
from portal.sitechecks.services import api_key_create, api_key_revoke
from tests.contracts.api.openapi_check import validate_response
from tests.contracts.sitecheck_factories import chain, check_user, make_contract, make_party, make_worker

WORKERS = "/api/v1/contracts/{id}/workers"


@pytest.fixture
def setup(db):
    c = chain()
    p = c["parties"]
    c["workers"] = {
        "main": make_worker(p["main"]),
        "a": make_worker(p["a"], expires_on=date.today() - timedelta(days=3)),
        "b": make_worker(p["b"], cancelled_at=timezone.now()),
        "a1": make_worker(p["a1"], card=False),
    }
    c["keys"] = {name: api_key_create(actor=user, name="Gate")[1] for name, user in c["users"].items()}
    return c


def names(body):
    return {w["name"] for w in body["workers"]}


def test_the_client_sees_the_whole_chain_with_live_status(api_get, openapi, setup):
    path = WORKERS.format(id=setup["contract"].pk)
    response = api_get(path, setup["keys"]["client"])
    assert response.status_code == 200
    body = validate_response(openapi, path="/api/v1/contracts/{contract_id}/workers", method="get", response=response)
    statuses = {w["company"]: w["status"] for w in body["workers"]}
    orgs = {k: p.organisation.name for k, p in setup["parties"].items()}
    assert statuses == {orgs["main"]: "valid", orgs["a"]: "expired", orgs["b"]: "cancelled", orgs["a1"]: "none"}
    assert (body["total"], body["with_valid_card"], body["needing_attention"]) == (4, 1, 3)
    assert body["contract"]["tier"] == 0
    assert not {"date_of_birth", "ni_number", "email"} & set(body["workers"][0])


def test_a_company_sees_its_own_branch_only(api_get, openapi, setup):
    path = WORKERS.format(id=setup["contract"].pk)
    body = api_get(path, setup["keys"]["a"]).json()
    expected = {setup["workers"][k].operative.full_name for k in ("a", "a1")}
    assert names(body) == expected
    assert body["contract"]["tier"] == 2
    # The sibling sees neither a nor a1.
    assert names(api_get(path, setup["keys"]["b"]).json()) == {setup["workers"]["b"].operative.full_name}


def test_another_organisations_contract_is_404(api_get, openapi, setup):
    outsider = api_key_create(actor=check_user(), name="Gate")[1]
    response = api_get(WORKERS.format(id=setup["contract"].pk), outsider)
    assert response.status_code == 404
    validate_response(openapi, path="/api/v1/contracts/{contract_id}/workers", method="get", response=response)
    assert api_get(WORKERS.format(id=999999), setup["keys"]["client"]).status_code == 404


def test_an_invited_company_that_has_not_accepted_is_404(api_get, setup):
    invited = check_user()
    make_party(setup["contract"], invited, parent=setup["parties"]["main"], status=ContractParty.Status.INVITED)
    key = api_key_create(actor=invited, name="Gate")[1]
    assert api_get(WORKERS.format(id=setup["contract"].pk), key).status_code == 404


def test_a_revoked_key_is_401(api_get, setup):
    user = setup["users"]["client"]
    key, raw = api_key_create(actor=user, name="Other gate")
    api_key_revoke(actor=user, key_id=key.pk)
    assert api_get(WORKERS.format(id=setup["contract"].pk), raw).status_code == 401
    assert api_get("/api/v1/contracts", raw).status_code == 401


def test_as_at_a_past_day(api_get, setup):
    path = WORKERS.format(id=setup["contract"].pk)
    day = date.today() - timedelta(days=10)
    body = api_get(path, setup["keys"]["client"], as_at=day.isoformat()).json()
    assert body["as_at"] == day.isoformat()
    status = {w["name"]: w["status"] for w in body["workers"]}
    # Ten days ago the card that expired three days ago was still valid (expiring).
    assert status[setup["workers"]["a"].operative.full_name] == "expiring"


def test_the_contract_list_shows_each_organisations_contracts(api_get, openapi, setup):
    other = make_contract(setup["users"]["b"], name="Other client's job")
    response = api_get("/api/v1/contracts", setup["keys"]["a"])
    body = validate_response(openapi, path="/api/v1/contracts", method="get", response=response)
    assert [c["name"] for c in body] == ["Library refurbishment"]
    b_names = {c["name"] for c in api_get("/api/v1/contracts", setup["keys"]["b"]).json()}
    assert b_names == {"Library refurbishment", other.name}


def test_the_workforce_makes_constant_queries(api_get, setup, django_assert_max_num_queries):
    for _ in range(10):
        make_worker(setup["parties"]["a1"])
    path = WORKERS.format(id=setup["contract"].pk)
    with django_assert_max_num_queries(8):
        assert api_get(path, setup["keys"]["a"]).status_code == 200
