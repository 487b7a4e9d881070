"""Card applications: start, the employer's four steps, finalise, and the hand-over to ordering and payment."""

import secrets

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications.models import ApplicationEvent, CardApplication
from portal.employees.models import Employment
from portal.orders.models import ApplicationType
from portal.registry.models import Card, CardType

Status = CardApplication.Status


class ApplicationError(Exception):
    """A rule refused the change; the message is for the user."""


def application_event(
    application: CardApplication, *, what: str, actor: User | None = None, to_status: str | None = None
) -> None:
    """Record a change (and move the status when `to_status` differs). Call inside the change's transaction."""
    before = application.status
    if to_status is not None and to_status != before:
        application.status = to_status
        application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(
        application=application, actor=actor, from_status=before, to_status=application.status, what=what
    )


def _new_reference() -> str:
    while True:
        reference = f"{secrets.randbelow(9_000_000) + 1_000_000}"
        if not CardApplication.objects.filter(reference=reference).exists():
            return reference


def card_application_start(
    *, actor: User, employment: Employment, card_type: CardType, application_type: str, renews_card: Card | None = None
) -> CardApplication:
    """Create the application and start its process (it waits for the employer, then for payment)."""
    from workflows.card_application.flows import CardApplicationFlow

    if application_type == ApplicationType.RENEWAL and renews_card is None:
        raise ApplicationError("A renewal must name the card it renews.")
    with transaction.atomic():
        application = CardApplication.objects.create(
            reference=_new_reference(),
            organisation_id=employment.organisation_id,
            office_id=employment.office_id,
            employment=employment,
            operative_id=employment.operative_id,
            card_type=card_type,
            application_type=application_type,
            renews_card=renews_card,
            created_by=actor,
        )
        application_event(application, actor=actor, what=f"Application started: {application.type_label}.")
        CardApplicationFlow.start.run(application=application)
    return application


def _locked(application: CardApplication) -> CardApplication:
    return CardApplication.objects.select_for_update().get(pk=application.pk)


def card_application_mark_ordered(*, application: CardApplication, actor: User) -> CardApplication:
    """A finalised application has been added to an order. Call inside the order's transaction."""
    application = _locked(application)
    if application.status != Status.FINALISED:
        raise ApplicationError(f"Application {application.reference} is not finalised and awaiting ordering.")
    application_event(application, actor=actor, what="Added to an order.", to_status=Status.ORDERED)
    return application


def card_application_release_from_order(*, application: CardApplication, actor: User) -> CardApplication:
    """The application left its order unpaid (removed, or the order was cancelled): it awaits ordering again."""
    application = _locked(application)
    if application.status != Status.ORDERED:
        raise ApplicationError(f"Application {application.reference} is not in an unpaid order.")
    application_event(application, actor=actor, what="Removed from its order.", to_status=Status.FINALISED)
    return application


def card_application_payment_received(*, application: CardApplication, actor: User | None = None) -> bool:
    """The order holding the application is paid: complete the process's wait step, so the JIB's part starts.

    Idempotent: a second report for a paid application changes nothing and returns False."""
    from viewflow.workflow.status import STATUS

    from workflows.card_application.flows import CardApplicationFlow

    with transaction.atomic():
        application = _locked(application)
        if application.paid_at is not None:
            return False
        if application.status != Status.ORDERED:
            raise ApplicationError(f"Application {application.reference} is not in an order awaiting payment.")
        application.paid_at = timezone.now()
        application.save(update_fields=["paid_at", "updated_at"])
        application_event(application, actor=actor, what="Payment received.", to_status=Status.RECEIVED)
        task = CardApplicationFlow.task_class.objects.get(
            process__artifact_object_id=application.pk,
            process__flow_class=CardApplicationFlow,
            flow_task=CardApplicationFlow.await_payment,
            status=STATUS.NEW,
        )
        CardApplicationFlow.await_payment.run(task)
    return True
