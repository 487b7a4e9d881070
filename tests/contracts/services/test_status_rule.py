"""The card status rule is written twice: in SQL (the contract page's filter and pages) and in Python (summaries,
exports, the API). Both must say the same for every case, as at today and as at another day."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.contracts.selectors import (
    compliance_summary,
    contract_workers_queryset,
    contract_workers_with_status,
)
from tests.contracts.sitecheck_factories import chain, make_worker
from tests.factories_registry import CardFactory, HseResultFactory

TODAY = date.today()


@pytest.fixture
def workers(db):
    c = chain()
    party = c["parties"]["a"]
    made = [
        make_worker(party),  # valid
        make_worker(party, expires_on=TODAY + timedelta(days=30)),  # expiring, on the edge
        make_worker(party, expires_on=TODAY + timedelta(days=31)),  # valid, just
        make_worker(party, expires_on=TODAY),  # expiring on its last day
        make_worker(party, expires_on=TODAY - timedelta(days=1)),  # expired
        make_worker(party, cancelled_at=timezone.now()),  # cancelled
        make_worker(party, cancelled_at=timezone.now() + timedelta(days=3)),  # cancelled later: valid today
        make_worker(party, card=False),  # none
    ]
    renewed = make_worker(party, expires_on=TODAY - timedelta(days=10))
    CardFactory(
        operative=renewed.operative, issued_on=TODAY - timedelta(days=20), expires_on=TODAY + timedelta(days=900)
    )
    future = make_worker(party)
    CardFactory(
        operative=future.operative, issued_on=TODAY + timedelta(days=5), expires_on=TODAY + timedelta(days=2000)
    )
    no_hse = make_worker(party)
    no_hse.operative.hse_results.all().delete()
    old_hse = make_worker(party)
    old_hse.operative.hse_results.update(expires_on=TODAY - timedelta(days=1))
    HseResultFactory(operative=old_hse.operative, number="HSEOLD", passed=True, expires_on=None)
    return c["contract"], [*made, renewed, future, no_hse, old_hse]


@pytest.mark.parametrize("days", [0, -15, 20])
def test_sql_and_python_agree(workers, days):
    contract, _ = workers
    day = TODAY + timedelta(days=days)
    as_at = None if days == 0 else day
    by_sql = {
        w.pk: (w.card_status, w.hse_status) for w in contract_workers_queryset(contract, viewer_party=None, as_at=as_at)
    }
    by_python = {
        r.worker_id: (r.status, r.hse_status)
        for r in contract_workers_with_status(contract, viewer_party=None, as_at=as_at)
    }
    assert by_sql == by_python
    summary = compliance_summary(contract, None, as_at=as_at)
    counts = {}
    for status, _ in by_sql.values():
        counts[status] = counts.get(status, 0) + 1
    assert summary.by_status == counts


def test_every_status_is_met(workers):
    contract, _ = workers
    statuses = {r.status for r in contract_workers_with_status(contract, viewer_party=None)}
    assert statuses == {"valid", "expiring", "expired", "cancelled", "none"}
    hse = {r.hse_status for r in contract_workers_with_status(contract, viewer_party=None)}
    assert hse == {"valid", "expired", "none"}
