import io

import pytest

from portal.contracts import selectors
from portal.contracts.demo import CONTRACT_NAME
from portal.contracts.models import Contract
from portal.licensing.models import OrganisationKind

pytestmark = pytest.mark.django_db


def test_the_demo_contract_is_three_tiers_deep_with_workers_in_every_status():
    from portal.contracts import demo as contracts_demo
    from portal.employees import demo as employees_demo
    from portal.organisations import demo as organisations_demo
    from portal.registry import demo as registry_demo

    out = io.StringIO()
    for module in (organisations_demo, registry_demo, employees_demo, contracts_demo, contracts_demo):
        module.load(stdout=out)
    contract = Contract.objects.get(name=CONTRACT_NAME)
    assert contract.client.licence.organisation_kind == OrganisationKind.LOCAL_AUTHORITY
    assert contract.status == Contract.Status.IN_PROGRESS
    tiers = dict(contract.parties.filter(status="accepted").values_list("organisation__name", "tier"))
    assert tiers["Brightwire Electrical Ltd"] == 1 and max(tiers.values()) == 3
    statuses = {row.status for row in selectors.contract_workers_with_status(contract, viewer_party=None)}
    assert statuses == {"valid", "expiring", "expired", "cancelled", "none"}
    assert contract.workers.filter(removed_at__isnull=False).count() == 1
    assert contract.parties.filter(status="invited", organisation__isnull=True).count() == 1
