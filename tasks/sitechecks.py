"""ECS Check on site: the daily alerts about contract workers' cards that expired or were cancelled (a flow)."""

from datetime import date

from prefect import flow

from tasks import setup_django


@flow(name="send-contract-card-alerts", retries=2, retry_delay_seconds=300)
def send_contract_card_alerts(today: date | None = None) -> int:
    """Record each new expiry or cancellation of a contract worker's card once and tell the company and the client;
    the outbox sends the messages (send_notification). A repeated run records nothing new."""
    setup_django()
    from portal.sitechecks.alerts import contract_card_alerts_record

    return contract_card_alerts_record(today=today)
