"""Companies House public data API: company profile by number."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from portal.integrations.http import call

PARTY = "Companies House"


@dataclass(frozen=True)
class CompanyProfile:
    number: str
    name: str
    status: str  # active, dissolved, liquidation, dormant...
    company_type: str
    created_on: date | None
    address: str
    postcode: str

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def company_profile(*, number: str) -> CompanyProfile | None:
    """The company's profile, or None when Companies House has no company with that number."""
    url = f"{settings.COMPANIES_HOUSE_URL.rstrip('/')}/company/{number.strip().upper()}"
    response = call(PARTY, "GET", url, auth=(settings.COMPANIES_HOUSE_API_KEY, ""))
    if response is None:
        return None
    data = response.json()
    address = data.get("registered_office_address") or {}
    created = data.get("date_of_creation")
    return CompanyProfile(
        number=data["company_number"],
        name=data["company_name"],
        status=data.get("company_status", ""),
        company_type=data.get("type", ""),
        created_on=date.fromisoformat(created) if created else None,
        address=", ".join(v for k, v in address.items() if k not in ("postal_code", "country") and v),
        postcode=address.get("postal_code", ""),
    )
