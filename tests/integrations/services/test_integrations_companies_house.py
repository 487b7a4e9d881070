import pytest

from portal.integrations import companies_house as adapter
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable


def test_found(companies_house):
    profile = companies_house_lookup("01234567")
    assert profile.name == "BRIGHTWIRE ELECTRICAL LTD" and profile.is_active and profile.postcode == "M4 5JD"


def test_not_found(companies_house):
    assert companies_house_lookup("00000001") is None


def test_dissolved(companies_house):
    assert not companies_house_lookup("04567890").is_active


def test_without_key_is_refused(companies_house, settings):
    settings.COMPANIES_HOUSE_API_KEY = ""
    with pytest.raises(ExternalServiceRejected):
        companies_house_lookup("01234567")


def test_503_and_refused_and_timeout(companies_house, settings):
    with pytest.raises(ExternalServiceUnavailable, match="answered 503"):
        companies_house_lookup("99999998")
    settings.EXTERNAL_TIMEOUT_SECONDS = 0.3
    with pytest.raises(ExternalServiceUnavailable, match="in time"):
        companies_house_lookup("99999999")


def test_connection_refused(companies_house_down):
    with pytest.raises(ExternalServiceUnavailable, match="could not be reached"):
        companies_house_lookup("01234567")


def companies_house_lookup(number):
    return adapter.company_profile(number=number)
