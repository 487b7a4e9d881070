"""Every contract page against every kind of outsider: another organisation (404), a sibling's branch (404), an
organisation whose licence lacks ECS Check (403), a user without the page's flag (403)."""

import pytest

from portal.licensing.models import Licence
from portal.organisations.permissions import Flag
from tests.contracts.factories import check_user, three_tier_chain, worker_on
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# (path under the contract, the flag it needs, method)
CONTRACT_PAGES = [
    ("", Flag.VIEW_CONTRACTS, "get"),
    ("change/", Flag.CREATE_CONTRACTS, "get"),
    ("start/", Flag.CREATE_CONTRACTS, "post"),
    ("cancel/", Flag.CREATE_CONTRACTS, "get"),
    ("requirements/add/", Flag.CREATE_CONTRACTS, "get"),
    ("invite/", Flag.ADD_SUBCONTRACTORS, "get"),
    ("workers/add/", Flag.MANAGE_CONTRACT_WORKERS, "get"),
    ("companies/{party}/", Flag.VIEW_CONTRACTS, "get"),  # a branch's page: any ECS Check flag opens it
    ("companies/{party}/remove/", Flag.ADD_SUBCONTRACTORS, "get"),
    ("workers/{worker}/remove/", Flag.MANAGE_CONTRACT_WORKERS, "get"),
]


@pytest.fixture
def chain():
    chain = three_tier_chain()
    chain["worker"] = worker_on(chain["parties"]["a1"], chain["users"]["a1"])
    return chain


def fill(path, chain):
    return path.format(party=chain["parties"]["a1"].pk, worker=chain["worker"].pk)


def call(client, method, path):
    return getattr(client, method)(path)


@pytest.mark.parametrize(("suffix", "flag", "method"), CONTRACT_PAGES)
def test_another_organisation_gets_404(client, signed_in, chain, suffix, flag, method):
    signed_in(check_user())
    path = f"/portal/contracts/{chain['contract'].pk}/{fill(suffix, chain)}"
    assert call(client, method, path).status_code == 404


@pytest.mark.parametrize(("suffix", "flag", "method"), CONTRACT_PAGES)
def test_a_sibling_branch_gets_404(client, signed_in, chain, suffix, flag, method):
    signed_in(chain["users"]["b"])
    path = f"/portal/contracts/{chain['contract'].pk}/{fill(suffix, chain)}"
    status = call(client, method, path).status_code
    if "{" in suffix or suffix in ("change/", "start/", "cancel/", "requirements/add/"):
        assert status == 404  # a sibling's company or worker; the client's own pages
    else:
        assert status in (200, 302)  # its own view of the contract


@pytest.mark.parametrize(("suffix", "flag", "method"), CONTRACT_PAGES)
def test_without_ecs_check_on_the_licence_403(client, signed_in, chain, suffix, flag, method):
    Licence.objects.filter(organisation=chain["users"]["client"].organisation).update(ecs_check=False)
    signed_in(chain["users"]["client"])
    path = f"/portal/contracts/{chain['contract'].pk}/{fill(suffix, chain)}"
    assert call(client, method, path).status_code == 403


@pytest.mark.parametrize(("suffix", "flag", "method"), CONTRACT_PAGES)
def test_without_the_flag_403(client, signed_in, chain, suffix, flag, method):
    owner = "client" if flag == Flag.CREATE_CONTRACTS else "a"
    others = {Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS, Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS}
    others.discard(flag)
    if flag == Flag.VIEW_CONTRACTS:
        others = {Flag.VIEW_EMPLOYEES}  # any ECS Check flag opens the contract's page
    user = check_user(chain["users"][owner].organisation, flags=tuple(others))
    signed_in(user)
    path = f"/portal/contracts/{chain['contract'].pk}/{fill(suffix, chain)}"
    assert call(client, method, path).status_code == 403


@pytest.mark.parametrize("path", ["/portal/contracts/", "/portal/contracts/new/", "/portal/contracts/invitations/"])
def test_unlicensed_for_check_403_everywhere(client, signed_in, path):
    signed_in(check_user(OrganisationFactory(licence__ecs_check=False)))
    assert client.get(path).status_code == 403
