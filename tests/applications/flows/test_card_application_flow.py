"""The card application process listens to the domain: each announced fact moves the case in the same transaction;
the employer's tasks are human tasks for the users holding the flag at or above the applicant's office; the
BPMN export tells the truth."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from portal.accounts import services as account_services
from portal.applications import selectors, services, signals
from portal.applications.models import ApplicationDocument, CardApplication
from portal.organisations.permissions import Flag
from portal.registry import services as registry_services
from portal.registry.models import HseResult
from tests.applications.flows.test_card_application_processing import (
    _graded_application,
    jib_client,
    open_tasks,
    pay,
    prepare_application,
    work,
)
from tests.factories import OfficeFactory, PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import HseResultFactory
from workflows.card_application.flows import CardApplicationFlow as Flow
from workflows.card_application.receivers import ProcessOutOfStep
from workflows.card_application.selectors import application_process, open_task

Status = CardApplication.Status
Outcome = CardApplication.PreCheckOutcome
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True


def _ordered(portal_user):
    application = start_application(portal_user=portal_user)
    CardApplication.objects.filter(pk=application.pk).update(status=Status.FINALISED)
    services.card_application_mark_ordered(application=application, actor=portal_user.user)
    return application


# The domain announces, the process listens, in one transaction


def test_a_receiver_that_fails_undoes_the_announced_change(primary_user):
    application = _ordered(primary_user)

    def refuse(**kwargs):
        raise RuntimeError("the process could not move")

    signals.application_paid.connect(refuse, sender=CardApplication, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError):
            services.card_application_payment_received(application=application)
    finally:
        signals.application_paid.disconnect(dispatch_uid="test.refuse", sender=CardApplication)
    application.refresh_from_db()
    assert application.paid_at is None and application.status == Status.ORDERED
    assert not application.events.filter(what="Payment received.").exists()
    assert open_tasks(application) == {Flow.await_payment}


def test_a_payment_for_a_process_not_waiting_for_it_is_refused(primary_user):
    application = _ordered(primary_user)
    Flow.instance.cancel(application_process(application=application))
    with pytest.raises(ProcessOutOfStep):
        services.card_application_payment_received(application=application)
    application.refresh_from_db()
    assert application.paid_at is None and application.status == Status.ORDERED


def test_payment_moves_the_process_on(primary_user):
    application = _ordered(primary_user)
    assert open_task(application=application, node=Flow.await_payment) is not None
    services.card_application_payment_received(application=application)
    assert open_task(application=application, node=Flow.await_payment) is None
    done = Flow.task_class.objects.get(process__artifact_object_id=application.pk, flow_task=Flow.await_payment)
    assert done.status == STATUS.DONE


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.FINALISED])
def test_withdrawal_cancels_the_process_and_its_open_task(primary_user, status):
    application = start_application(portal_user=primary_user)
    CardApplication.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    assert application.can_be_withdrawn
    services.card_application_withdraw(application=application, actor=primary_user.user)
    process = application_process(application=application)
    assert process.status == PROCESS.CANCELED and process.finished is not None
    wait = process.task_set.get(flow_task=Flow.await_payment)
    assert wait.status == STATUS.CANCELED and wait.finished is not None
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN and not application.can_be_withdrawn


def test_an_ordered_application_cannot_be_withdrawn_and_its_process_waits(primary_user):
    application = _ordered(primary_user)
    application.refresh_from_db()
    assert not application.can_be_withdrawn
    with pytest.raises(services.ApplicationError, match="not yet ordered"):
        services.card_application_withdraw(application=application, actor=primary_user.user)
    assert application_process(application=application).status == PROCESS.NEW
    assert open_tasks(application) == {Flow.await_payment}


# The open task of a case at a step


def test_open_task_is_the_one_waiting_at_the_step(primary_user):
    application = _ordered(primary_user)
    other = _ordered(primary_user)
    task = open_task(application=application, node=Flow.await_payment)
    assert task.process.artifact_object_id == application.pk and task.status == STATUS.NEW
    assert open_task(application=application, node=Flow.verify) is None
    services.card_application_payment_received(application=application)
    assert open_task(application=application, node=Flow.await_payment) is None
    assert open_task(application=other, node=Flow.await_payment) is not None


def test_the_process_reads_its_application_once(primary_user, django_assert_num_queries):
    application = start_application(portal_user=primary_user)
    process = application_process(application=application)
    with django_assert_num_queries(1):
        assert process.application.pk == application.pk
        assert process.application.operative.pk == application.operative_id
        assert process.needs_supervisor_endorsement() is False


# The pre-checks' outcomes


@pytest.mark.parametrize(
    ("setup", "outcome", "step", "status"),
    [
        ({}, Outcome.PASSED, Flow.approve, Status.VERIFIED),
        ({"hse": "will_sit"}, Outcome.AWAITING_HSE, Flow.conditional_hold, Status.CONDITIONAL_HOLD),
        (
            {"documents_status": ApplicationDocument.Status.MANUAL_CHECK},
            Outcome.MANUAL,
            Flow.verify,
            Status.VERIFYING,
        ),
    ],
)
def test_each_pre_check_outcome_takes_its_branch(
    primary_user, inline_jobs, django_capture_on_commit_callbacks, setup, outcome, step, status
):
    application = pay(prepare_application(primary_user, **setup), primary_user, django_capture_on_commit_callbacks)
    assert application.pre_check_outcome == outcome
    assert application.status == status and open_tasks(application) == {step}
    job = Flow.task_class.objects.get(process__artifact_object_id=application.pk, flow_task=Flow.pre_checks)
    assert job.status == STATUS.DONE and job.data["result"] == {"outcome": outcome.value}


# The conditional hold released by an HS&E pass


def test_a_corrected_result_that_is_a_pass_releases_the_hold(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = pay(
        prepare_application(primary_user, hse="will_sit"), primary_user, django_capture_on_commit_callbacks
    )
    assert application.status == Status.CONDITIONAL_HOLD and application.hold_reason
    failed = HseResultFactory(operative=application.operative, passed=False, expires_on=None, taken_on=date.today())
    failed.passed = True
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.hse_result_change(result=failed, actor=primary_user.user)
    application.refresh_from_db()
    assert application.hse_result == failed and application.hold_reason == ""
    assert application.status == Status.VERIFIED and open_tasks(application) == {Flow.approve}
    released = application.events.get(what__contains="conditional hold is released")
    assert released.actor == primary_user.user and released.to_status == Status.VERIFYING


def test_a_pass_with_no_application_on_hold_changes_nothing(primary_user, django_capture_on_commit_callbacks):
    application = _ordered(primary_user)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.hse_result_record(
            operative=application.operative, number="HSE1230001", taken_on=date.today(), passed=True, score=45
        )
    assert HseResult.objects.filter(number="HSE1230001").exists()
    application.refresh_from_db()
    assert application.status == Status.ORDERED and open_tasks(application) == {Flow.await_payment}


# The employer's endorsements: human tasks for the flag holders at or above the applicant's office


@pytest.fixture
def offices(organisation):
    region = OfficeFactory(organisation=organisation, name="North Region", kind="region")
    leeds = OfficeFactory(organisation=organisation, parent=region, name="Leeds Office")
    york = OfficeFactory(organisation=organisation, parent=region, name="York Office")
    return region, leeds, york


def _endorser(organisation, office, *flags):
    return PortalUserFactory(organisation=organisation, office=office, flags=[Flag.VIEW_APPLICATIONS, *flags])


def test_endorsement_steps_are_human_tasks_offered_by_flag_and_office(
    organisation, offices, inline_jobs, django_capture_on_commit_callbacks
):
    region, leeds, york = offices
    filler, application = _graded_application(organisation, at_office=leeds)
    application = pay(application, filler, django_capture_on_commit_callbacks)
    assert application.awaiting_grading_endorsement and application.awaiting_supervisor_endorsement
    grading = open_task(application=application, node=Flow.endorse_grading)
    supervisor = open_task(application=application, node=Flow.endorse_supervisor)
    assert grading.flow_task_type == "HUMAN" and grading.owner_id is None
    assert grading.owner_permission == "organisations.can_endorse_grading"
    assert supervisor.owner_permission == "organisations.can_endorse_qualified_supervisor"

    above = _endorser(organisation, region, Flag.ENDORSE_GRADING)
    same = _endorser(organisation, leeds, Flag.ENDORSE_GRADING)
    sibling = _endorser(organisation, york, Flag.ENDORSE_GRADING, Flag.ENDORSE_QUALIFIED_SUPERVISOR)
    unflagged = _endorser(organisation, region)
    outsider = PortalUserFactory(all_flags=True)
    leader = account_services.jib_staff_create(
        email="leader@jib.example", first_name="Tess", last_name="Leader", mobile="+447700900111",
        teams=["team_leader"], password="correct horse battery",
    )  # fmt: skip

    node = Flow.endorse_grading
    assert node.can_assign(above.user, grading) and node.can_assign(same.user, grading)
    assert not node.can_assign(sibling.user, grading)
    assert not node.can_assign(unflagged.user, grading)
    assert not node.can_assign(outsider.user, grading)
    assert not node.can_assign(leader, grading)
    assert not Flow.endorse_supervisor.can_assign(above.user, supervisor)  # grading flag only
    # Not in the back office's queue: no JIB user holds the portal flag.
    queue = Flow.task_class.objects.user_queue(leader, flow_class=Flow)
    assert not queue.filter(pk__in=[grading.pk, supervisor.pk]).exists()


def test_an_endorsement_is_refused_at_a_sibling_office_or_without_the_flag(
    organisation, offices, inline_jobs, django_capture_on_commit_callbacks
):
    region, leeds, york = offices
    filler, application = _graded_application(organisation, at_office=leeds, qualified_supervisor=False)
    application = pay(application, filler, django_capture_on_commit_callbacks)
    for refused in (
        _endorser(organisation, york, Flag.ENDORSE_GRADING),
        _endorser(organisation, region, Flag.ENDORSE_QUALIFIED_SUPERVISOR),
    ):
        with pytest.raises(services.ApplicationError, match="Can Endorse Change in Grading"):
            services.card_application_endorse(
                application=application, actor=refused.user, which="grading", endorse=True
            )
    application.refresh_from_db()
    assert application.awaiting_grading_endorsement and application.grading_endorsed_by is None
    assert application.status == Status.AWAITING_ENDORSEMENT
    assert open_task(application=application, node=Flow.endorse_grading).status == STATUS.NEW


def test_an_endorsement_completes_the_task_for_the_user_who_gives_it(
    organisation, offices, inline_jobs, django_capture_on_commit_callbacks
):
    region, leeds, _ = offices
    filler, application = _graded_application(organisation, at_office=leeds)
    application = pay(application, filler, django_capture_on_commit_callbacks)
    endorser = _endorser(organisation, region, Flag.ENDORSE_GRADING, Flag.ENDORSE_QUALIFIED_SUPERVISOR)
    with pytest.raises(services.ApplicationError, match="Say why you decline") as refused:
        services.card_application_endorse(application=application, actor=endorser.user, which="grading", endorse=False)
    assert refused.value.field == "reason"

    services.card_application_endorse(application=application, actor=endorser.user, which="grading", endorse=True)
    application.refresh_from_db()
    assert not application.awaiting_grading_endorsement and application.awaiting_supervisor_endorsement
    task = Flow.task_class.objects.get(process__artifact_object_id=application.pk, flow_task=Flow.endorse_grading)
    assert task.status == STATUS.DONE and task.owner == endorser.user and task.finished is not None
    assert open_tasks(application) == {Flow.endorse_supervisor}
    with pytest.raises(services.ApplicationError, match="not waiting for this endorsement"):
        services.card_application_endorse(application=application, actor=endorser.user, which="grading", endorse=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.card_application_endorse(
            application=application, actor=endorser.user, which="supervisor", endorse=False, reason="Not yet."
        )
    application.refresh_from_db()
    assert not application.awaiting_supervisor_endorsement and application.qualified_supervisor is False
    assert application.status == Status.VERIFIED and open_tasks(application) == {Flow.approve}


def test_the_attention_page_reads_the_awaited_endorsements_from_the_application(
    primary_user, portal_client, inline_jobs, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    application = pay(
        prepare_application(primary_user, grade="Approved Electrician", qualified_supervisor=True),
        primary_user,
        django_capture_on_commit_callbacks,
    )
    assert application.status == Status.AWAITING_ENDORSEMENT
    CardApplication.objects.filter(pk=application.pk).update(awaiting_supervisor_endorsement=False)
    page = portal_client.get("/portal/applications/").text
    assert f"/portal/applications/{application.pk}/endorse/supervisor/" not in page
    CardApplication.objects.filter(pk=application.pk).update(awaiting_grading_endorsement=True)
    page = portal_client.get("/portal/applications/").text
    assert f"/portal/applications/{application.pk}/endorse/grading/" in page


# Supplying what is missing: a human task for the users who fill in applications


def test_supplying_what_is_missing_completes_the_task_for_that_user(
    organisation, offices, inline_jobs, django_capture_on_commit_callbacks
):
    region, leeds, york = offices
    filler = PortalUserFactory(organisation=organisation, office=leeds, flags=[Flag.FILL_IN_APPLICATIONS])
    application = pay(
        prepare_application(filler, codes=("2357-13", "2382-22")), filler, django_capture_on_commit_callbacks
    )
    verifier = jib_client("verification")
    work(
        verifier, application, Flow.verify, {"decision": "hold", "text": "The AM2."}, django_capture_on_commit_callbacks
    )
    task = open_task(application=application, node=Flow.await_supply)
    assert task.flow_task_type == "HUMAN" and task.owner_permission == "organisations.can_fill_in_applications"

    sibling = PortalUserFactory(organisation=organisation, office=york, flags=[Flag.FILL_IN_APPLICATIONS])
    viewer = PortalUserFactory(organisation=organisation, office=region, flags=[Flag.VIEW_APPLICATIONS])
    for refused in (sibling, viewer):
        with pytest.raises(services.ApplicationError, match="Can Fill In Applications"):
            services.card_application_supply(application=application, actor=refused.user, answer="Here.")
    with pytest.raises(services.ApplicationError) as empty:
        services.card_application_supply(application=application, actor=filler.user, answer=" ")
    assert empty.value.field == "answer"
    application.refresh_from_db()
    assert application.status == Status.ON_HOLD and application.hold_reason == "The AM2."

    above = PortalUserFactory(organisation=organisation, office=region, flags=[Flag.FILL_IN_APPLICATIONS])
    with django_capture_on_commit_callbacks(execute=True):
        services.card_application_supply(application=application, actor=above.user, answer="Sent by post.")
    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == above.user
    application.refresh_from_db()
    assert application.status == Status.VERIFYING and open_tasks(application) == {Flow.verify}


# The verification and approval forms show the service's reason rule beside the field


def test_a_missing_reason_is_the_services_error_beside_the_field(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = pay(
        prepare_application(primary_user, documents_status=ApplicationDocument.Status.MANUAL_CHECK),
        primary_user,
        django_capture_on_commit_callbacks,
    )
    verifier = jib_client("verification")
    _, response = work(verifier, application, Flow.verify, {"decision": "hold", "text": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["Say what is missing, or why the application is rejected."]
    with pytest.raises(services.ApplicationError) as refused:
        services.card_application_verification_decide(
            application=application, actor=primary_user.user, documents={}, decision="reject", text=""
        )
    assert refused.value.field == "text" and str(refused.value) == response.context["form"].errors["text"][0]


# The approver is recorded when approving, and the card is prepared in their name


def test_the_approver_is_recorded_and_names_the_prepared_card(
    primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    application = pay(prepare_application(primary_user), primary_user, django_capture_on_commit_callbacks)
    leader = jib_client("team_leader")
    work(leader, application, Flow.approve, {"decision": "approve"}, django_capture_on_commit_callbacks)
    approval = Flow.task_class.objects.get(process__artifact_object_id=application.pk, flow_task=Flow.approve)
    assert application.approved_by == approval.owner
    prepared = application.events.get(to_status=Status.PREPARED, from_status=Status.APPROVED)
    assert prepared.actor == approval.owner


# The BPMN export


def test_the_bpmn_export_shows_the_employers_tasks_as_user_tasks(capsys):
    call_command("flowexport", "workflow_card_application/flows.CardApplicationFlow", "--format", "bpmn")
    root = ET.fromstring(capsys.readouterr().out.strip())
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    process = root.find("bpmn:process", ns)
    user_tasks = {e.get("id") for e in process.findall("bpmn:userTask", ns)}
    assert {"id_node_endorse_grading", "id_node_endorse_supervisor", "id_node_await_supply"} <= user_tasks
    receive = {e.get("id") for e in process.findall("bpmn:receiveTask", ns)}
    assert receive == {"id_node_await_payment", "id_node_conditional_hold"}
    gateways = {e.get("id") for e in process.findall("bpmn:inclusiveGateway", ns)}
    assert gateways == {"id_node_endorse", "id_node_endorsed"}
    gateways = process.findall("bpmn:exclusiveGateway", ns) + process.findall("bpmn:inclusiveGateway", ns)
    defaults = {g.get("default") for g in gateways}
    diverging = {g.get("id") for g in gateways if len(g.findall("bpmn:outgoing", ns)) > 1}
    assert len(diverging) == 5
    for flow in process.findall("bpmn:sequenceFlow", ns):
        if flow.get("sourceRef") in diverging and flow.get("id") not in defaults:
            condition = flow.find("bpmn:conditionExpression", ns)
            assert condition is not None and condition.text and flow.get("name"), flow.get("id")


def test_the_employer_task_leads_to_its_portal_page(primary_user):
    application = start_application(portal_user=primary_user)
    assert Flow.endorse_grading.page_url(application.pk) == f"/portal/applications/{application.pk}/endorse/grading/"
    assert Flow.await_supply.page_url(application.pk) == f"/portal/applications/{application.pk}/supply/"


def test_the_employers_lists_read_the_application_not_the_process(primary_user):
    application = _ordered(primary_user)
    CardApplication.objects.filter(pk=application.pk).update(
        status=Status.AWAITING_ENDORSEMENT, paid_at=timezone.now(), awaiting_grading_endorsement=True
    )
    with CaptureQueriesContext(connection) as queries:
        produced = list(selectors.applications_being_produced(primary_user))
        action = list(selectors.applications_requiring_attention(primary_user)["action"])
    assert [a.pk for a in produced] == [a.pk for a in action] == [application.pk]
    assert produced[0].awaiting_grading_endorsement and not produced[0].awaiting_supervisor_endorsement
    assert not [q["sql"] for q in queries.captured_queries if "viewflow_" in q["sql"]]


def test_open_employer_tasks_of_earlier_processes_become_human_tasks(
    organisation, inline_jobs, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("workflows.card_application.migrations.0002_employer_tasks")
    filler, application = _graded_application(organisation, at_office=organisation.head_office)
    application = pay(application, filler, django_capture_on_commit_callbacks)
    done = pay(prepare_application(filler), filler, django_capture_on_commit_callbacks)
    leader = jib_client("team_leader")
    work(leader, done, Flow.approve, {"decision": "approve"}, django_capture_on_commit_callbacks)
    # As a process started before: the waits were receive tasks, nothing was kept on the application.
    Flow.task_class.objects.filter(process__artifact_object_id=application.pk, status=STATUS.NEW).update(
        flow_task_type="FUNCTION", owner_permission=None
    )
    CardApplication.objects.filter(pk__in=[application.pk, done.pk]).update(
        awaiting_grading_endorsement=False, awaiting_supervisor_endorsement=False, approved_by=None
    )
    migration.forwards(apps, None)
    application.refresh_from_db()
    assert application.awaiting_grading_endorsement and application.awaiting_supervisor_endorsement
    grading = open_task(application=application, node=Flow.endorse_grading)
    assert grading.flow_task_type == "HUMAN" and grading.owner_permission == "organisations.can_endorse_grading"
    done.refresh_from_db()
    assert done.approved_by is not None and done.approved_by.email.endswith("@jib.example")
