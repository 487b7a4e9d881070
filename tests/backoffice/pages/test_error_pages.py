"""403, 404 and 500 under the back office's addresses are back-office pages (its header, its navigation, a way back
to My work); the portal keeps its own. Nothing of what was refused is shown."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from ecs import errors
from portal.accounts.models import JibTeam
from tests.backoffice.pages.test_backoffice_access import staff_member
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
BACKOFFICE = "– ECS back office</title>"


def test_not_found_and_refused_in_the_back_office_are_back_office_pages():
    client = sign_in(Client(), staff_member(JibTeam.VERIFICATION))
    missing = client.get("/backoffice/work/queues/no-such-team/")
    assert missing.status_code == 404
    assert BACKOFFICE in missing.text and "Page not found" in missing.text and 'class="bo-header' in missing.text
    assert reverse("tasklist:my_work") in missing.text
    refused = client.get(reverse("tasklist:queue", args=[JibTeam.FINANCE]))
    assert refused.status_code == 403
    assert BACKOFFICE in refused.text and "You cannot do this" in refused.text
    assert "BACS" not in refused.text.split('id="main-content"')[1]  # nothing of the refused queue
    nowhere = client.get("/backoffice-dashboard/no-such-page/")
    assert nowhere.status_code in (403, 404) and BACKOFFICE in nowhere.text  # the dashboards are for managers


def test_the_portal_keeps_its_own_error_pages(primary_user):
    client = sign_in(Client(), primary_user.user)
    missing = client.get("/portal/no-such-page/")
    assert missing.status_code == 404 and "Page not found" in missing.text and BACKOFFICE not in missing.text


def test_a_server_error_in_the_back_office_is_a_back_office_page_without_the_request():
    request = RequestFactory().get("/backoffice/work/mine/")
    request.user = AnonymousUser()
    response = errors.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and BACKOFFICE in page and "problem with the service" in page
    portal = errors.server_error(RequestFactory().get("/portal/"))
    assert portal.status_code == 500 and BACKOFFICE not in portal.content.decode()
