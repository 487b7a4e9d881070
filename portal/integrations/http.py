"""One HTTP call to an outside party, with the settings' time-out and its errors mapped to the domain."""

import httpx
from django.conf import settings

from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable


def call(party: str, method: str, url: str, **kwargs) -> httpx.Response | None:
    """The response, or None for 404; ExternalServiceUnavailable for time-outs, refusals and 5xx."""
    try:
        response = httpx.request(method, url, timeout=settings.EXTERNAL_TIMEOUT_SECONDS, **kwargs)
    except httpx.TimeoutException:
        raise ExternalServiceUnavailable(party, "it did not answer in time")
    except httpx.TransportError as exc:
        raise ExternalServiceUnavailable(party, f"it could not be reached ({type(exc).__name__})")
    if response.status_code == 404:
        return None
    if response.status_code >= 500:
        raise ExternalServiceUnavailable(party, f"it answered {response.status_code}")
    if response.status_code >= 400:
        raise ExternalServiceRejected(party, f"it answered {response.status_code}")
    return response
