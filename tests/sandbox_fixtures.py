"""Sandbox servers for tests: started once per session on free ports, settings pointed at them per test."""

import socket

import pytest

from sandboxes._server import start_in_thread
from sandboxes.awarding_bodies import AwardingBodiesHandler
from sandboxes.companies_house import CompaniesHouseHandler


@pytest.fixture(scope="session")
def companies_house_server():
    server, url = start_in_thread(CompaniesHouseHandler)
    yield url
    server.shutdown()


@pytest.fixture
def companies_house(settings, companies_house_server):
    settings.COMPANIES_HOUSE_URL = companies_house_server
    settings.COMPANIES_HOUSE_API_KEY = "test-key"
    settings.EXTERNAL_TIMEOUT_SECONDS = 2
    return companies_house_server


@pytest.fixture
def companies_house_down(settings):
    """Companies House refuses connections: a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.COMPANIES_HOUSE_URL = f"http://127.0.0.1:{port}"
    settings.EXTERNAL_TIMEOUT_SECONDS = 1
    return settings.COMPANIES_HOUSE_URL


@pytest.fixture(scope="session")
def awarding_bodies_server():
    server, url = start_in_thread(AwardingBodiesHandler)
    yield url
    server.shutdown()


@pytest.fixture
def awarding_bodies(settings, awarding_bodies_server):
    settings.AWARDING_BODIES_URL = awarding_bodies_server
    settings.EXTERNAL_TIMEOUT_SECONDS = 2
    return awarding_bodies_server
