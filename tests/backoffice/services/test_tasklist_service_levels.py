"""Service levels: reference data per step, seeded from what the dashboard used, and the due dates they give."""

from datetime import timedelta

import pytest

from workflows.card_application.flows import CardApplicationFlow
from workflows.licence.flows import LicenceFlow
from workflows.tasklist import selectors
from workflows.tasklist.models import ServiceLevel

pytestmark = pytest.mark.django_db


def test_seeded_for_every_step_a_person_works():
    from workflows.tasklist.steps import human_steps

    assert set(ServiceLevel.objects.values_list("flow_task", flat=True)) == set(human_steps())


def test_service_level_for_a_node_or_its_reference():
    assert selectors.service_level_for(CardApplicationFlow.verify) == timedelta(days=7)
    assert selectors.service_level_for("workflow_licence/flows.LicenceFlow.verify") == timedelta(days=10)
    ServiceLevel.objects.filter(flow_task="workflow_licence/flows.LicenceFlow.verify").update(days=3)
    assert selectors.service_level_for(LicenceFlow.verify) == timedelta(days=3)


def test_a_step_without_a_service_level_has_none():
    ServiceLevel.objects.filter(flow_task__contains="CardApplicationFlow.dispatch").delete()
    assert selectors.service_level_for(CardApplicationFlow.dispatch) is None
    assert selectors.service_level_for(CardApplicationFlow.await_payment) is None


def test_str_reads_as_words():
    level = ServiceLevel.objects.get(flow_task__endswith="CardApplicationFlow.verify")
    assert str(level) == "Verify the application: 7 days"
