"""The card check endpoint, authentication by API key, the rate limit and the OpenAPI document."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.sitechecks.models import ApiKey
from portal.sitechecks.services import api_key_revoke
from tests.contracts.api.openapi_check import check_document, validate_response
from tests.factories_registry import CardFactory, OperativeFactory

PATH = "/api/v1/card-check"


@pytest.fixture
def card(db):
    return CardFactory(operative=OperativeFactory(first_name="Aoife", last_name="O'Neill"), number="40012345")


def test_the_openapi_document_is_valid_and_public(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    check_document(response.json())
    assert PATH in response.json()["paths"]


def test_the_docs_page_loads_its_scripts_from_our_own_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, "valid"),
        ({"expires_on": date.today() - timedelta(days=1)}, "expired"),
        ({"cancelled_at": timezone.now()}, "cancelled"),
    ],
)
def test_a_card_by_number_and_surname(api_get, api_key, openapi, card, change, expected):
    for field, value in change.items():
        setattr(card, field, value)
    card.save()
    response = api_get(PATH, api_key[1], number="40012345", surname="o'neill ")
    assert response.status_code == 200
    body = validate_response(openapi, path=PATH, method="get", response=response)
    assert body["status"] == expected
    assert body["holder_name"] == "Aoife O'Neill"
    assert body["card_type"] == card.card_type.name
    assert body["expires_on"] == card.expires_on.isoformat()
    # Nothing personal beyond the name.
    assert not {"date_of_birth", "ni_number", "email", "address"} & set(body)
    assert "1985" not in response.content.decode()


def test_a_card_expiring_within_three_months_is_valid_and_flagged(api_get, api_key, card):
    card.expires_on = date.today() + timedelta(days=20)
    card.save()
    body = api_get(PATH, api_key[1], number="40012345", surname="O'Neill").json()
    assert (body["status"], body["expiring_soon"]) == ("valid", True)


@pytest.mark.parametrize("number, surname", [("40012345", "Smith"), ("99999999", "O'Neill"), ("abc", "O'Neill")])
def test_a_wrong_surname_or_unknown_number_is_not_found_and_reveals_nothing(
    api_get, api_key, openapi, card, number, surname
):
    response = api_get(PATH, api_key[1], number=number, surname=surname)
    body = validate_response(openapi, path=PATH, method="get", response=response)
    assert body["status"] == "not_found"
    assert body["holder_name"] is None and body["card_type"] is None


def test_missing_parameters_are_422(api_get, api_key):
    assert api_get(PATH, api_key[1], number="40012345").status_code == 422


@pytest.mark.parametrize("header", [None, "", "nonsense", "ecs_00000000_wrong"])
def test_without_a_valid_key_401(api_get, openapi, card, header):
    response = api_get(PATH, header, number="40012345", surname="O'Neill")
    assert response.status_code == 401
    assert "API key" in validate_response(openapi, path=PATH, method="get", response=response)["detail"]


def test_a_key_with_a_right_prefix_and_wrong_secret_is_refused(api_get, api_key, card):
    key, raw = api_key
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert api_get(PATH, forged, number="40012345", surname="O'Neill").status_code == 401


def test_a_revoked_key_is_401(api_get, api_key, key_owner, card):
    key, raw = api_key
    assert api_get(PATH, raw, number="40012345", surname="O'Neill").status_code == 200
    api_key_revoke(actor=key_owner, key_id=key.pk)
    assert api_get(PATH, raw, number="40012345", surname="O'Neill").status_code == 401


def test_the_last_use_is_recorded(api_get, api_key, card):
    key, raw = api_key
    assert key.last_used_at is None
    api_get(PATH, raw, number="40012345", surname="O'Neill")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_only_a_hash_is_stored(api_key):
    key, raw = api_key
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert raw not in str(stored)
    assert raw.startswith(f"ecs_{key.prefix}_")


def test_each_key_is_rate_limited_with_a_clear_json_error(api_get, api_key, key_owner, openapi, card, settings):
    settings.ECS_API_REQUESTS_PER_MINUTE = 3
    raw = api_key[1]
    for _ in range(3):
        assert api_get(PATH, raw, number="40012345", surname="O'Neill").status_code == 200
    response = api_get(PATH, raw, number="40012345", surname="O'Neill")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "3 requests a minute" in validate_response(openapi, path=PATH, method="get", response=response)["detail"]
    # Another key of the same organisation has its own count.
    from portal.sitechecks.services import api_key_create

    _, other = api_key_create(actor=key_owner, name="South gate")
    assert api_get(PATH, other, number="40012345", surname="O'Neill").status_code == 200


def test_the_card_check_makes_few_queries(api_get, api_key, card, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert api_get(PATH, api_key[1], number="40012345", surname="O'Neill").status_code == 200
