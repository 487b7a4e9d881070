"""Checks an answer of the API against the OpenAPI document the API publishes: the operation and status must be
described, and the JSON body must validate against the response's schema (JSON Schema 2020-12, with the
document's components as the registry for $ref)."""

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def registry_for(document: dict) -> Registry:
    return Registry().with_resource("urn:openapi", Resource(contents=document, specification=DRAFT202012))


def _rebased(schema):
    """The schema with "#/components/..." references pointing into the registered document."""
    if isinstance(schema, dict):
        return {
            key: (f"urn:openapi{value}" if key == "$ref" and value.startswith("#") else _rebased(value))
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebased(item) for item in schema]
    return schema


def response_schema(document: dict, *, path: str, method: str, status: int) -> dict:
    operation = document["paths"][path][method.lower()]
    described = operation["responses"]
    assert str(status) in described, f"{method} {path} answered {status}, which the document does not describe"
    return described[str(status)]["content"]["application/json"]["schema"]


def validate_response(document: dict, *, path: str, method: str, response) -> dict:
    schema = response_schema(document, path=path, method=method, status=response.status_code)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    validator = jsonschema.Draft202012Validator(_rebased(schema), registry=registry_for(document))
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, "\n".join(error.message for error in errors)
    return body


def check_document(document: dict) -> None:
    """The document's own shape: OpenAPI 3.1, every operation with responses, every schema a valid JSON Schema."""
    assert document["openapi"].startswith("3."), document["openapi"]
    assert document["info"]["title"] and document["info"]["version"]
    for path, operations in document["paths"].items():
        assert path.startswith("/api/"), path
        for method, operation in operations.items():
            assert operation.get("responses"), f"{method} {path} describes no responses"
            assert operation.get("security"), f"{method} {path} is not authenticated"
            for _status, response in operation["responses"].items():
                schema = response["content"]["application/json"]["schema"]
                jsonschema.Draft202012Validator.check_schema(schema)
    for _name, schema in document.get("components", {}).get("schemas", {}).items():
        jsonschema.Draft202012Validator.check_schema(schema)
    schemes = document["components"]["securitySchemes"]
    assert any(s["type"] == "apiKey" and s["in"] == "header" for s in schemes.values()), schemes
