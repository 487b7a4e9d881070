"""The ECS Check API for site-gate systems (django-ninja): read-only, one organisation per API key.

- Authentication: the `X-API-Key` header carries a key an organisation's administrator created in the portal
  (`/portal/site-checks/api-keys/`). A missing, unknown or revoked key is 401.
- Rate limit: each key may make ECS_API_REQUESTS_PER_MINUTE requests a minute (counted in Django's cache); over
  it, 429 with a JSON error and Retry-After.
- Scope: the same rules as the portal's pages (a contract the key's organisation is not part of is 404).
- OpenAPI: `/api/openapi.json`, browsable at `/api/docs`.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader
from pydantic import BaseModel

from portal.accounts.throttle import allow
from portal.contracts.models import Contract, ContractParty, ContractWorker
from portal.contracts.selectors import NEEDS_ATTENTION, HseStatus, contract_workers_with_status
from portal.registry.models import CardStatus
from portal.sitechecks.access import contract_in_scope, contracts_of
from portal.sitechecks.selectors import Verdict, card_verdict
from portal.sitechecks.services import api_key_authenticate

RATE_WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class ApiKeyAuth(APIKeyHeader):
    """`X-API-Key: ecs_…`. The key found is `request.auth`; its use counts against its rate limit."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        api_key = api_key_authenticate(raw_key=key or "")
        if api_key is None:
            return None
        limit = getattr(settings, "ECS_API_REQUESTS_PER_MINUTE", 120)
        if not allow(f"api-key:{api_key.pk}", limit=limit, window_seconds=RATE_WINDOW_SECONDS):
            raise RateLimited(limit)
        return api_key


api = NinjaAPI(
    title="ECS Check API",
    version="1.0",
    description=(
        "Read-only access for site-gate systems: check an ECS card by its number and the holder's surname, and "
        "read the live card status of a contract's workforce. Send the organisation's API key in the X-API-Key "
        "header. Each key may make a limited number of requests a minute (429 beyond it)."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class Error(Schema):
    detail: str = Field(description="What went wrong, for a person to read.")


class InvalidRequest(BaseModel):
    detail: list[dict] = Field(description="Each parameter that is missing or malformed: where (loc) and why (msg).")


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = api.create_response(
        request,
        {"detail": f"Too many requests: each API key may make {exc.limit} requests a minute. Try again shortly."},
        status=429,
    )
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(
        request,
        {"detail": "A valid API key is required in the X-API-Key header (it may have been revoked)."},
        status=401,
    )


class CardCheckIn(Schema):
    number: str = Field(description="The ECS card number as printed on the card (digits).", min_length=1, max_length=20)
    surname: str = Field(description="The card holder's surname, as on the card.", min_length=1, max_length=100)


class CardCheckOut(Schema):
    number: str = Field(description="The card number checked.")
    status: str = Field(
        description="valid, expired, cancelled, or not_found (no card with this number and surname).",
        json_schema_extra={"enum": list(Verdict.CHOICES)},
    )
    expiring_soon: bool = Field(description="A valid card that expires within three months.")
    holder_name: str | None = Field(description="The holder's name as on the ECS record; null when not found.")
    card_type: str | None = None
    occupation: str | None = None
    grade: str | None = None
    expires_on: date | None = None


def card_check_out(verdict) -> dict:
    card = verdict.card
    return {
        "number": verdict.number,
        "status": verdict.verdict,
        "expiring_soon": verdict.expiring_soon,
        "holder_name": card.operative.full_name if card else None,
        "card_type": card.card_type.name if card else None,
        "occupation": card.occupation.name if card and card.occupation_id else None,
        "grade": card.grade.name if card and card.grade_id else None,
        "expires_on": card.expires_on if card else None,
    }


@api.get(
    "/v1/card-check",
    response={200: CardCheckOut, 401: Error, 422: InvalidRequest, 429: Error},
    summary="Check an ECS card by its number and the holder's surname",
    tags=["cards"],
)
def card_check(request, query: Query[CardCheckIn]):
    """The card's status today. Nothing about the holder beyond their name is returned; a surname that does not
    match the card's holder answers `not_found`."""
    return card_check_out(card_verdict(number=query.number, surname=query.surname))


class ContractOut(BaseModel):
    id: int
    name: str
    client_reference: str = Field(description="The client's own reference for the contract.")
    client: str = Field(description="The client organisation's name.")
    site_postcode: str
    status: str = Field(json_schema_extra={"enum": [value for value, _ in Contract.Status.choices]})
    starts_on: date
    ends_on: date
    tier: int = Field(description="The key's organisation's tier in the supply chain (0: the client).")


class WorkerOut(BaseModel):
    name: str = Field(description="The worker's name as on the ECS record.")
    company: str = Field(description="The company in the supply chain that put the worker on the contract.")
    tier: int
    role: str = Field(json_schema_extra={"enum": [value for value, _ in ContractWorker.Role.choices]})
    on_from: date
    off_from: date | None
    card_number: str = Field(description="The worker's newest card on the day (empty when none).")
    card_type: str
    occupation: str
    grade: str
    expires_on: date | None
    status: str = Field(
        description="The card's status on the day: valid, expiring (within 30 days), expired, cancelled, none.",
        json_schema_extra={"enum": [value for value, _ in CardStatus.choices]},
    )
    hse_status: str = Field(json_schema_extra={"enum": [HseStatus.VALID, HseStatus.EXPIRED, HseStatus.NONE]})


class WorkforceOut(BaseModel):
    contract: ContractOut
    as_at: date
    total: int
    with_valid_card: int = Field(description="Workers whose card is valid (or valid and expiring) on the day.")
    needing_attention: int = Field(description="Workers whose card is expiring, expired, cancelled or missing.")
    workers: list[WorkerOut]


def contract_out(contract: Contract, party) -> dict:
    return {
        "id": contract.pk,
        "name": contract.name,
        "client_reference": contract.client_reference,
        "client": contract.client.name,
        "site_postcode": contract.site_postcode,
        "status": contract.status,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "tier": party.tier if party else 0,
    }


@api.get(
    "/v1/contracts",
    response={200: list[ContractOut], 401: Error, 422: InvalidRequest, 429: Error},
    summary="The contracts the key's organisation is the client of, or a company in",
    tags=["contracts"],
)
def contracts(request):
    organisation_id = request.auth.organisation_id
    found = list(contracts_of(organisation_id=organisation_id))
    parties = {
        party.contract_id: party
        for party in ContractParty.objects.filter(
            contract__in=found, organisation_id=organisation_id, status=ContractParty.Status.ACCEPTED
        )
    }
    return [contract_out(c, None if c.client_id == organisation_id else parties.get(c.pk)) for c in found]


@api.get(
    "/v1/contracts/{contract_id}/workers",
    response={200: WorkforceOut, 401: Error, 404: Error, 422: InvalidRequest, 429: Error},
    summary="A contract's workforce with each worker's live card status",
    tags=["contracts"],
)
def contract_workers(request, contract_id: int, as_at: date | None = None):
    """Who is on the contract (today, or on `as_at`) with their card status that day, computed from the ECS record
    when asked. The client sees the whole supply chain; a company sees itself and its own subcontractors. A
    contract the key's organisation is not part of is 404."""
    try:
        contract, party = contract_in_scope(organisation_id=request.auth.organisation_id, contract_id=contract_id)
    except Http404:
        return 404, {"detail": "No such contract for this API key's organisation."}
    rows = contract_workers_with_status(contract, viewer_party=party, as_at=as_at)
    valid = sum(1 for row in rows if row.status in (CardStatus.VALID, CardStatus.EXPIRING))
    data = {
        "contract": contract_out(contract, party),
        "as_at": as_at or timezone.localdate(),
        "total": len(rows),
        "with_valid_card": valid,
        "needing_attention": sum(1 for row in rows if row.status in NEEDS_ATTENTION),
        "workers": [
            {
                "name": row.name,
                "company": row.company,
                "tier": row.tier,
                "role": row.role,
                "on_from": row.on_from,
                "off_from": row.off_from,
                "card_number": row.card_number,
                "card_type": row.card_type,
                "occupation": row.occupation,
                "grade": row.grade,
                "expires_on": row.expires_on,
                "status": row.status,
                "hse_status": row.hse_status,
            }
            for row in rows
        ],
    }
    # Validated against the documented schema and written by pydantic's own JSON encoder: 5,000 workers in tens of
    # milliseconds, where the generic response path takes most of a second.
    return HttpResponse(WorkforceOut.model_validate(data).model_dump_json(), content_type="application/json")


def urls():
    """The API's URL patterns, open to requests without a portal session (the key is the authentication)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace
