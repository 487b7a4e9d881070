"""Response headers: Content-Security-Policy without inline script or style on the portal's pages (a narrower
exception for viewflow's back office), Permissions-Policy refusing the camera unless a view asks for it,
`Cache-Control: no-store` on what a signed-in person sees, and X-Forwarded-Proto trusted only behind a proxy."""

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import viewflow
from django.http import HttpResponse
from django.test import RequestFactory

from portal.accounts import services as account_services
from portal.core.middleware import SecurityHeadersMiddleware, permissions_policy
from tests.conftest import sign_in
from tests.core.operations.test_deploy_settings import PRODUCTION_ENV
from tests.factories_orders import make_order
from tests.factories_registry import EmploymentFactory
from tests.stripe_fixtures import finalised_application

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]

PORTAL_PAGES = [
    "/portal/",
    "/portal/organisation/",
    "/portal/organisation/groups/",
    "/portal/organisation/users/",
    "/portal/organisation/users/add/",
    "/portal/employees/",
    "/portal/employees/add/",
    "/portal/employees/cards/expiring/",
    "/portal/records/card-check/",
    "/portal/applications/",
    "/portal/applications/produced/",
    "/portal/orders/",
    "/portal/orders/new-advance/",
    "/accounts/security/",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def pages(portal_client, primary_user):
    employment = EmploymentFactory(organisation=primary_user.organisation)
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    return [*PORTAL_PAGES, f"/portal/employees/{employment.pk}/", f"/portal/orders/{order.pk}/"]


def test_portal_pages_run_no_inline_script_or_style_and_say_so(portal_client, pages):
    for url in pages:
        response = portal_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_STYLE.search(html), (url, html[INLINE_STYLE.search(html).start() :][:120])
        assert not INLINE_HANDLER.search(html), url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'self'"]


def test_signed_in_pages_are_not_stored_and_anonymous_ones_need_not_be(portal_client, pages, client):
    for url in pages:
        cache = portal_client.get(url)["Cache-Control"]
        assert "no-store" in cache and "private" in cache, url
    portal_client.post("/accounts/sign-out/")
    assert "no-store" not in client.get("/accounts/sign-in/").get("Cache-Control", "")


def test_the_camera_and_other_features_are_refused_everywhere(portal_client, client):
    for response in (portal_client.get("/portal/"), client.get("/accounts/sign-in/")):
        features = dict(f.strip().split("=") for f in response["Permissions-Policy"].split(","))
        assert features["camera"] == "()" and features["microphone"] == "()" and features["geolocation"] == "()"


def test_a_view_can_allow_the_camera_for_itself():
    @permissions_policy(camera="self")
    def assessment(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    allowed = SecurityHeadersMiddleware(assessment)(request)["Permissions-Policy"]
    refused = SecurityHeadersMiddleware(lambda r: HttpResponse("ok"))(request)["Permissions-Policy"]
    assert "camera=(self)" in allowed and "microphone=()" in allowed
    assert "camera=()" in refused


@pytest.fixture
def case_worker(client):
    staff = account_services.jib_staff_create(
        email="vera@jib.example", first_name="Vera", last_name="Vance", mobile="+447700123457",
        teams=["verification"], password="correct horse battery",
    )  # fmt: skip
    return sign_in(client, staff)


def test_the_back_office_allows_viewflows_inline_styles_and_back_links_only(case_worker):
    response = case_worker.get("/backoffice/workflow/queue/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'self'" in policy["script-src"]
    assert "no-store" in response["Cache-Control"]
    # Every inline handler in the installed viewflow's templates is one the policy names by its hash.
    templates = Path(viewflow.__file__).parent / "templates" / "viewflow"
    handlers = {
        match
        for path in templates.rglob("*.html")
        for match in re.findall(r'\son[a-z]+="([^"]*)"', path.read_text())
        if "workflow/" in str(path) or "views/" in str(path)
    }
    assert handlers
    for handler in handlers:
        digest = base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"], handler


def settings_value(name: str, **extra) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env={**PRODUCTION_ENV, **extra}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_forwarded_proto_is_trusted_only_behind_a_proxy():
    assert settings_value("SECURE_PROXY_SSL_HEADER") == "None"
    assert settings_value("SECURE_PROXY_SSL_HEADER", BEHIND_TLS_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
