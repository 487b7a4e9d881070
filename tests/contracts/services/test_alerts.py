"""Alerts when a contract worker's card expires or is cancelled: to the company and the client, once per event."""

import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.contracts.models import Contract, ContractWorker
from portal.notifications.models import Kind, Notification
from portal.organisations.permissions import Flag
from portal.sitechecks.alerts import contract_card_alerts_record
from portal.sitechecks.models import ContractCardAlert
from tests.contracts.sitecheck_factories import chain, check_user, make_worker
from tests.factories_registry import CardFactory

TODAY = date.today()


@pytest.fixture
def setup(db):
    c = chain()
    p = c["parties"]
    c["workers"] = {
        "valid": make_worker(p["a"], number="70000001"),
        "expired": make_worker(p["a"], number="70000002", expires_on=TODAY - timedelta(days=1)),
        "cancelled": make_worker(p["b"], number="70000003", cancelled_at=timezone.now() - timedelta(hours=3)),
    }
    return c


def recipients():
    return {n.recipient_id for n in Notification.objects.filter(kind=Kind.CONTRACT_CARD_ALERT)}


def test_the_company_and_the_client_are_told_once(setup, django_capture_on_commit_callbacks):
    users = setup["users"]
    assert contract_card_alerts_record(today=TODAY) == 2
    alerts = {(a.worker_id, a.event) for a in ContractCardAlert.objects.all()}
    assert alerts == {(setup["workers"]["expired"].pk, "expired"), (setup["workers"]["cancelled"].pk, "cancelled")}
    assert recipients() == {users["client"].user_id, users["a"].user_id, users["b"].user_id}
    client_message = Notification.objects.get(recipient=users["client"].user)
    assert "70000002" in client_message.body_text and "70000003" in client_message.body_text
    assert client_message.subject == "ECS Check: 2 cards expired or cancelled on Library refurbishment"
    a_message = Notification.objects.get(recipient=users["a"].user)
    assert "70000002" in a_message.body_text and "70000003" not in a_message.body_text
    # The main contractor and a1 are not the workers' companies: not told.
    assert users["main"].user_id not in recipients()
    # Again, the same day or later: nothing new.
    assert contract_card_alerts_record(today=TODAY) == 0
    assert contract_card_alerts_record(today=TODAY + timedelta(days=1)) == 0
    assert Notification.objects.filter(kind=Kind.CONTRACT_CARD_ALERT).count() == 3


def test_a_new_event_later_is_told_in_a_message_of_its_own(setup):
    contract_card_alerts_record(today=TODAY)
    CardFactory._meta.model.objects.filter(number="70000001").update(cancelled_at=timezone.now())
    assert contract_card_alerts_record(today=TODAY) == 1
    messages = Notification.objects.filter(recipient=setup["users"]["client"].user)
    assert messages.count() == 2 and "70000001" in messages.first().body_text


def test_no_alert_for_a_card_replaced_by_a_renewal(setup):
    worker = setup["workers"]["expired"]
    CardFactory(operative=worker.operative, issued_on=TODAY - timedelta(days=5), expires_on=TODAY + timedelta(days=900))
    contract_card_alerts_record(today=TODAY)
    assert not ContractCardAlert.objects.filter(worker=worker).exists()


def test_no_alert_for_an_old_expiry_a_removed_worker_or_a_completed_contract(setup):
    old = make_worker(setup["parties"]["a"], expires_on=TODAY - timedelta(days=60))
    removed = make_worker(setup["parties"]["a"], expires_on=TODAY - timedelta(days=2))
    ContractWorker.objects.filter(pk=removed.pk).update(removed_at=timezone.now(), off_from=TODAY - timedelta(days=3))
    other = chain()
    make_worker(other["parties"]["main"], expires_on=TODAY - timedelta(days=2))
    Contract.objects.filter(pk=other["contract"].pk).update(status=Contract.Status.COMPLETED)
    assert contract_card_alerts_record(today=TODAY) == 2
    assert not ContractCardAlert.objects.filter(worker__in=[old, removed]).exists()


def test_only_users_who_see_contracts_are_told(setup):
    client_org = setup["users"]["client"].organisation
    without = check_user(organisation=client_org, flags={Flag.VIEW_EMPLOYEES})
    contract_card_alerts_record(today=TODAY)
    assert without.user_id not in recipients()


def test_constant_queries_per_contract(db, django_assert_max_num_queries):
    c = chain()
    for n in range(12):
        make_worker(c["parties"]["a1"], expires_on=TODAY - timedelta(days=1 + n % 3))
    with django_assert_max_num_queries(40):
        assert contract_card_alerts_record(today=TODAY) == 12


def test_the_alerts_are_a_daily_deployment():
    from concurrent.futures import ThreadPoolExecutor

    from tasks.serve import deployments

    with ThreadPoolExecutor(max_workers=1) as pool:
        built = pool.submit(deployments).result()
    daily = next(d for d in built if d.flow_name == "send-contract-card-alerts")
    assert daily.name == "daily" and daily.schedules[0].schedule.cron == "30 6 * * *"


@pytest.mark.prefect
def test_the_alerts_are_emailed_through_prefect(prefect_worker):
    from tasks.sitechecks import send_contract_card_alerts

    c = chain()
    make_worker(c["parties"]["main"], number="70000009", expires_on=TODAY - timedelta(days=1))
    mail.outbox.clear()
    assert send_contract_card_alerts() == 1
    deadline = time.monotonic() + 60
    while Notification.objects.filter(email_sent_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the alerts were not sent through Prefect"
        time.sleep(0.25)
    assert {m.to[0] for m in mail.outbox} == {c["users"]["client"].user.email, c["users"]["main"].user.email}
    assert all("70000009" in m.body for m in mail.outbox)
    assert send_contract_card_alerts() == 0
