"""The card application's process from start to the wait for payment, and the hand-over from orders."""

import pytest
from viewflow.workflow.status import STATUS

from portal.applications import services
from portal.applications.models import CardApplication
from tests.factories_applications import start_application
from workflows.card_application.flows import CardApplicationFlow

Status = CardApplication.Status
pytestmark = pytest.mark.django_db


def _open_tasks(application):
    return set(
        CardApplicationFlow.task_class.objects.filter(
            process__artifact_object_id=application.pk, process__flow_class=CardApplicationFlow, status=STATUS.NEW
        ).values_list("flow_task", flat=True)
    )


def test_a_started_application_waits_for_payment(primary_user):
    application = start_application(portal_user=primary_user)
    assert application.status == Status.IN_PROGRESS
    assert _open_tasks(application) == {CardApplicationFlow.await_payment}
    assert application.events.get().what.startswith("Application started")


def test_payment_completes_the_wait_step_once(primary_user):
    application = start_application(portal_user=primary_user)
    CardApplication.objects.filter(pk=application.pk).update(status=Status.FINALISED)
    services.card_application_mark_ordered(application=application, actor=primary_user.user)
    assert services.card_application_payment_received(application=application) is True
    assert services.card_application_payment_received(application=application) is False
    application.refresh_from_db()
    assert application.paid_at is not None
    assert CardApplicationFlow.await_payment not in _open_tasks(application)


def test_an_unordered_application_cannot_be_paid(primary_user):
    application = start_application(portal_user=primary_user)
    with pytest.raises(services.ApplicationError):
        services.card_application_payment_received(application=application)


def test_release_from_order_returns_it_to_awaiting_ordering(primary_user):
    application = start_application(portal_user=primary_user)
    CardApplication.objects.filter(pk=application.pk).update(status=Status.FINALISED)
    services.card_application_mark_ordered(application=application, actor=primary_user.user)
    services.card_application_release_from_order(application=application, actor=primary_user.user)
    application.refresh_from_db()
    assert application.status == Status.FINALISED
