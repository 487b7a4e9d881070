"""Alerts to the company and the client when a worker's card expires or is cancelled while they are on a contract.

Run daily (the `send-contract-card-alerts` Prefect schedule). Each event (a worker, a card, expired or cancelled)
is recorded once as a ContractCardAlert, so however often the run repeats nobody is told twice; the messages go
through portal.notifications (recorded and sent by the outbox). Only a worker's newest card counts: a card
replaced by a renewal expiring is no event. Events older than LOOK_BACK_DAYS are not announced (a worker put on
a contract with an old expired card is shown on the contract page, not alerted about)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import DateField, DateTimeField, IntegerField, OuterRef, Q, Subquery
from django.urls import NoReverseMatch
from django.utils import timezone

from portal.contracts.models import Contract, ContractWorker
from portal.notifications.models import Kind
from portal.notifications.services import link, notifications_record
from portal.organisations.models import PortalUser
from portal.registry.models import Card
from portal.sitechecks.models import ContractCardAlert

LOOK_BACK_DAYS = 7
OPEN = (Contract.Status.SETTING_UP, Contract.Status.IN_PROGRESS)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def card_events_due(*, today: date) -> list[tuple[ContractWorker, int, str, date]]:
    """(worker, card id, event, day) for each current worker on an open contract whose newest card expired or was
    cancelled in the look-back window and who has not been alerted about it. Two queries."""
    since = today - timedelta(days=LOOK_BACK_DAYS)
    newest = Card.objects.filter(operative=OuterRef("operative_id"), issued_on__lte=today).order_by(
        "-expires_on", "-pk"
    )
    workers = (
        ContractWorker.objects.filter(contract__status__in=OPEN, removed_at__isnull=True, on_from__lte=today)
        .filter(Q(off_from__isnull=True) | Q(off_from__gt=today))
        .annotate(
            card_id=Subquery(newest.values("pk")[:1], output_field=IntegerField()),
            card_expires_on=Subquery(newest.values("expires_on")[:1], output_field=DateField()),
            card_cancelled_at=Subquery(newest.values("cancelled_at")[:1], output_field=DateTimeField()),
        )
        .filter(
            Q(card_cancelled_at__gte=_start_of(since), card_cancelled_at__lt=_start_of(today + timedelta(days=1)))
            | Q(card_cancelled_at__isnull=True, card_expires_on__gte=since, card_expires_on__lt=today)
        )
        .select_related("contract__client", "party__organisation", "operative")
    )
    workers = list(workers)
    done = set(
        ContractCardAlert.objects.filter(worker__in=[w.pk for w in workers]).values_list(
            "worker_id", "card_id", "event"
        )
    )
    due = []
    for worker in workers:
        if worker.card_cancelled_at is not None:
            event, day = ContractCardAlert.Event.CANCELLED, timezone.localdate(worker.card_cancelled_at)
        else:
            event, day = ContractCardAlert.Event.EXPIRED, worker.card_expires_on
        if (worker.pk, worker.card_id, event.value) not in done:
            due.append((worker, worker.card_id, event, day))
    return due


def _readers(organisation_ids: set[int]) -> dict[int, list[PortalUser]]:
    """The active users of each organisation who see contracts (Can View Contract Details or Can Add/Remove
    Contract Workers), by organisation."""
    users = (
        PortalUser.objects.filter(organisation_id__in=organisation_ids, removed_at__isnull=True, user__is_active=True)
        .filter(Q(can_view_contracts=True) | Q(can_manage_contract_workers=True))
        .select_related("user")
    )
    found = defaultdict(list)
    for portal_user in users:
        found[portal_user.organisation_id].append(portal_user)
    return found


def _contract_url(contract: Contract) -> str:
    try:
        return link("contracts:detail", contract.pk)
    except NoReverseMatch:
        return link("sitechecks:audit", contract.pk)


def contract_card_alerts_record(*, today: date | None = None) -> int:
    """Record each new event once and tell the worker's company and the contract's client (one message per
    contract and recipient for the events of this run). Returns how many events were recorded."""
    today = today or timezone.localdate()
    due = card_events_due(today=today)
    if not due:
        return 0
    recorded: dict[int, list[ContractCardAlert]] = defaultdict(list)
    with transaction.atomic():
        # One insert for the run. A run at the same moment that recorded one of them first makes this one fail on
        # the unique constraint, and the flow's retry then finds nothing left to tell.
        alerts = ContractCardAlert.objects.bulk_create(
            [
                ContractCardAlert(worker=worker, card_id=card_id, event=event, happened_on=day)
                for worker, card_id, event, day in due
            ]
        )
        for alert, (worker, *_) in zip(alerts, due, strict=True):
            alert.worker = worker
            recorded[worker.contract_id].append(alert)
        cards = Card.objects.in_bulk([a.card_id for alerts in recorded.values() for a in alerts])
        organisations = {w.contract.client_id for w, *_ in due} | {w.party.organisation_id for w, *_ in due}
        readers = _readers({pk for pk in organisations if pk})
        for alerts in recorded.values():
            for alert in alerts:
                alert.card = cards[alert.card_id]
            contract = alerts[0].worker.contract
            context = {"contract": contract, "contract_url": _contract_url(contract)}
            batch = min(alert.pk for alert in alerts)
            notifications_record(
                kind=Kind.CONTRACT_CARD_ALERT,
                event_key=f"contract{contract.pk}:client:{batch}",
                recipients=readers.get(contract.client_id, []),
                context={**context, "alerts": alerts, "for_client": True},
            )
            by_company = defaultdict(list)
            for alert in alerts:
                by_company[alert.worker.party.organisation_id].append(alert)
            for organisation_id, company_alerts in by_company.items():
                if organisation_id is None or organisation_id == contract.client_id:
                    continue
                notifications_record(
                    kind=Kind.CONTRACT_CARD_ALERT,
                    event_key=f"contract{contract.pk}:company{organisation_id}:{batch}",
                    recipients=readers.get(organisation_id, []),
                    context={
                        **context,
                        "alerts": company_alerts,
                        "for_client": False,
                        "company": company_alerts[0].worker.party.display_name,
                    },
                )
    return sum(len(alerts) for alerts in recorded.values())
