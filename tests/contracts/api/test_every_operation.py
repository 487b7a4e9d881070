"""Every operation the OpenAPI document describes, exercised from the document itself (as schemathesis would, with
values chosen from each parameter's schema): without a key, with valid values, and with malformed ones. Every
answer must be one the document describes, with a body valid against its schema. A new endpoint is covered
without a new test."""

from datetime import date

import pytest

from portal.sitechecks.services import api_key_create
from tests.contracts.api.openapi_check import validate_response
from tests.contracts.sitecheck_factories import chain, make_worker

GOOD = {"number": "90000001", "surname": "Quinn", "as_at": date.today().isoformat()}
BAD = {"integer": "not-a-number", "date": "31/02/2026", "string": ""}


def _value(parameter: dict, world: dict, *, bad: bool) -> str:
    schema = parameter.get("schema", {})
    kind = schema.get("type") or next((s.get("type") for s in schema.get("anyOf", []) if s.get("type") != "null"), "")
    fmt = schema.get("format") or next((s.get("format") for s in schema.get("anyOf", []) if s.get("format")), "")
    if bad:
        return BAD["date"] if fmt == "date" else BAD.get(kind, "")
    if parameter["name"] == "contract_id":
        return str(world["contract"].pk)
    return GOOD[parameter["name"]]


def _request(path: str, operation: dict, world: dict, *, bad: bool) -> tuple[str, dict]:
    params = {}
    for parameter in operation.get("parameters", []):
        required = parameter.get("required", False) or parameter["in"] == "path"
        value = _value(parameter, world, bad=bad and required)
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", value)
        else:
            params[parameter["name"]] = value
    return path, params


@pytest.fixture
def world(db):
    c = chain()
    make_worker(c["parties"]["main"], number="90000001", operative__last_name="Quinn")
    c["key"] = api_key_create(actor=c["users"]["client"], name="Gate")[1]
    return c


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_against_its_schema(api_get, openapi, world):
    seen = 0
    for path, method, operation in operations(openapi):
        assert method == "get", f"{method} {path}: the API is read-only"
        seen += 1
        url, params = _request(path, operation, world, bad=False)
        ok = api_get(url, world["key"], **params)
        assert ok.status_code == 200, (path, ok.content[:300])
        validate_response(openapi, path=path, method=method, response=ok)
        validate_response(openapi, path=path, method=method, response=api_get(url, None, **params))
        assert api_get(url, None, **params).status_code == 401
        url, params = _request(path, operation, world, bad=True)
        malformed = api_get(url, world["key"], **params)
        if operation.get("parameters"):
            assert malformed.status_code in (404, 422), (path, malformed.status_code)
        validate_response(openapi, path=path, method=method, response=malformed)
    assert seen == 3
