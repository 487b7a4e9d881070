"""The work lists' rules: team queues from the processes, due dates from service levels, priority, assignment only
to a colleague who may work the step, saved filters shared with one team."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from portal.accounts.models import JibTeam
from portal.applications.models import CardApplication
from portal.orders.models import ApplicationType
from tests.backoffice.pages.test_backoffice_access import staff_member
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import CardFactory, EmploymentFactory
from workflows.card_application.flows import APPROVE, DISPATCH, VERIFY, CardApplicationFlow
from workflows.tasklist import selectors, services
from workflows.tasklist.models import SavedFilter, TaskEvent
from workflows.tasklist.queues import queues_for, team_queues

pytestmark = pytest.mark.django_db

PERMISSIONS = {
    CardApplicationFlow.verify: VERIFY,
    CardApplicationFlow.approve: APPROVE,
    CardApplicationFlow.dispatch: DISPATCH,
}


def card_task(portal_user, step=CardApplicationFlow.verify, *, owner=None, age_days=0, application=None, **kwargs):
    """An open task at `step` of a new card application of `portal_user`'s organisation, created `age_days` ago."""
    application = application or start_application(portal_user=portal_user, **kwargs)
    application.status = CardApplication.Status.VERIFYING  # in the JIB's hands (the bench skips the employer's part)
    application.save(update_fields=["status"])
    process = Process.objects.get(flow_class=CardApplicationFlow, artifact_object_id=application.pk)
    task = Task.objects.create(
        process=process,
        flow_task=step,
        flow_task_type="HUMAN",
        status=STATUS.ASSIGNED if owner else STATUS.NEW,
        owner=owner,
        owner_permission=PERMISSIONS[step],
        created=timezone.now() - timedelta(days=age_days),
    )
    task.application = application
    return task


@pytest.fixture
def employer(organisation):
    return PortalUserFactory(organisation=organisation, office=organisation.head_office, all_flags=True)


def ref(node) -> str:
    return get_task_ref(node)


def in_order(*steps, now=None) -> list:
    """The open tasks of `steps` as a work list reads them (late first), with `due`, `overdue` and `priority`."""
    now = now or timezone.now()
    return selectors.page_of(selectors.open_tasks(steps=[ref(step) for step in steps]), 0, 1000, now=now)


def test_queues_are_derived_from_the_processes_teams_and_permissions():
    queues = {queue.team: set(queue.steps) for queue in team_queues()}
    assert queues[JibTeam.VERIFICATION] == {ref(CardApplicationFlow.verify)}
    assert queues[JibTeam.PROCESSING] == {ref(CardApplicationFlow.dispatch)}
    # Team leaders may do everything; their own queue is what no working team may do.
    assert queues[JibTeam.TEAM_LEADER] == {ref(CardApplicationFlow.approve)}
    assert "workflow_licence/flows.LicenceFlow.verify" in queues[JibTeam.LICENSING]
    assert queues[JibTeam.FINANCE] == {"workflow_bacs_allocation/flows.BacsAllocationFlow.allocate"}
    assert JibTeam.MANAGER not in queues


def test_a_worker_sees_their_own_teams_queues_a_team_leader_every_queue():
    queues = team_queues()
    verifier = staff_member(JibTeam.VERIFICATION)
    leader = staff_member(JibTeam.TEAM_LEADER)
    assert [queue.team for queue in queues_for(verifier, queues)] == [JibTeam.VERIFICATION]
    assert len(queues_for(leader, queues)) == len(queues)


def test_due_date_is_created_plus_the_steps_service_level_and_overdue_come_first(employer):
    fresh = card_task(employer, age_days=1)
    late = card_task(employer, age_days=9)
    approval = card_task(employer, CardApplicationFlow.approve, age_days=1)
    tasks = in_order(CardApplicationFlow.verify, CardApplicationFlow.approve)
    # Late first; then by due date: approval (2 days allowed) is due before the fresh verification (7 days).
    assert [task.pk for task in tasks] == [late.pk, approval.pk, fresh.pk]
    by_pk = {task.pk: task for task in tasks}
    assert by_pk[fresh.pk].due == fresh.created + timedelta(days=7)
    assert by_pk[approval.pk].due == approval.created + timedelta(days=2)
    assert by_pk[late.pk].overdue and not by_pk[fresh.pk].overdue


def test_service_level_edit_changes_the_due_date(employer):
    task = card_task(employer, age_days=3)
    assert not in_order(CardApplicationFlow.verify)[0].overdue
    services.service_level_set(flow_task=ref(CardApplicationFlow.verify), days=2)
    (found,) = in_order(CardApplicationFlow.verify)
    assert found.pk == task.pk and found.overdue and found.due == task.created + timedelta(days=2)


def test_priority_renewal_close_to_expiry_then_hold_answered(employer):
    normal = card_task(employer, age_days=2)
    employment = EmploymentFactory(organisation=employer.organisation, office=employer.office)
    expiring = CardFactory(operative=employment.operative, expires_on=date.today() + timedelta(days=10))
    renewal = card_task(
        employer,
        age_days=1,
        employment=employment,
        application_type=ApplicationType.RENEWAL,
        renews_card=expiring,
    )
    answered = card_task(employer, age_days=1)
    Task.objects.create(
        process=answered.process,
        flow_task=CardApplicationFlow.await_supply,
        flow_task_type="HUMAN",
        status=STATUS.DONE,
        finished=timezone.now(),
    )
    tasks = in_order(CardApplicationFlow.verify)
    assert [task.pk for task in tasks] == [renewal.pk, answered.pk, normal.pk]
    assert [task.priority for task in tasks] == [
        selectors.PRIORITY_URGENT,
        selectors.PRIORITY_ANSWERED,
        selectors.PRIORITY_NORMAL,
    ]


def test_a_renewal_far_from_expiry_is_normal(employer):
    employment = EmploymentFactory(organisation=employer.organisation, office=employer.office)
    card = CardFactory(operative=employment.operative, expires_on=date.today() + timedelta(days=200))
    card_task(employer, employment=employment, application_type=ApplicationType.RENEWAL, renews_card=card)
    assert selectors.open_tasks(steps=[ref(CardApplicationFlow.verify)]).get().priority == selectors.PRIORITY_NORMAL


def test_search_by_reference_applicant_and_organisation(employer):
    task = card_task(employer)
    card_task(employer)
    tasks = selectors.open_tasks(steps=[ref(CardApplicationFlow.verify)])
    user = staff_member(JibTeam.VERIFICATION)
    application = task.application

    def found(term):
        return [t.pk for t in selectors.apply_filter(tasks, selectors.WorkFilter(q=term), user=user)]

    assert found(application.reference) == [task.pk]
    assert task.pk in found(application.operative.last_name)
    assert found(f"{application.operative.first_name} {application.operative.last_name}") == [task.pk]
    assert len(found(employer.organisation.name)) == 2
    assert found("nobody by that name") == []


def test_claim_and_release_through_viewflow(employer):
    task = card_task(employer)
    verifier = staff_member(JibTeam.VERIFICATION)
    services.task_claim(task=task, user=verifier)
    task.refresh_from_db()
    assert task.owner == verifier and task.status == STATUS.ASSIGNED
    with pytest.raises(services.TaskActionError):
        services.task_claim(task=task, user=staff_member(JibTeam.VERIFICATION))
    services.task_release(task=task, user=verifier)
    task.refresh_from_db()
    assert task.owner is None and task.status == STATUS.NEW
    assert list(TaskEvent.objects.filter(task=task).values_list("action", flat=True)) == ["claimed", "released"]


def test_a_team_without_the_steps_permission_cannot_claim(employer):
    task = card_task(employer, CardApplicationFlow.approve)
    with pytest.raises(PermissionDenied):
        services.task_claim(task=task, user=staff_member(JibTeam.VERIFICATION))
    with pytest.raises(PermissionDenied):
        services.task_claim(task=task, user=staff_member(JibTeam.LICENSING))


def test_team_leader_assigns_only_to_a_colleague_who_may_work_the_step(employer):
    task = card_task(employer)
    leader = staff_member(JibTeam.TEAM_LEADER)
    verifier = staff_member(JibTeam.VERIFICATION)
    processor = staff_member(JibTeam.PROCESSING)
    licensing = staff_member(JibTeam.LICENSING)
    assert set(selectors.colleagues_for([ref(CardApplicationFlow.verify)])) == {leader, verifier}
    for wrong in (processor, licensing):
        with pytest.raises(services.TaskActionError) as refused:
            services.task_assign(task=task, actor=leader, assignee=wrong)
        assert refused.value.field == "assignee"
    services.task_assign(task=task, actor=leader, assignee=verifier)
    task.refresh_from_db()
    assert task.owner == verifier and task.status == STATUS.ASSIGNED
    # Held already: handed on to another eligible colleague (viewflow's reassign).
    other = staff_member(JibTeam.VERIFICATION)
    services.task_assign(task=task, actor=leader, assignee=other)
    task.refresh_from_db()
    assert task.owner == other
    event = TaskEvent.objects.filter(task=task).last()
    assert event.action == "assigned" and event.actor == leader and event.owner == other


def test_only_team_leaders_and_managers_assign(employer):
    task = card_task(employer)
    verifier = staff_member(JibTeam.VERIFICATION)
    with pytest.raises(PermissionDenied):
        services.task_assign(task=task, actor=verifier, assignee=staff_member(JibTeam.VERIFICATION))


def test_bulk_assign_is_all_or_nothing(employer):
    leader = staff_member(JibTeam.TEAM_LEADER)
    verifier = staff_member(JibTeam.VERIFICATION)
    verify_tasks = [card_task(employer) for _ in range(3)]
    dispatch = card_task(employer, CardApplicationFlow.dispatch)
    with pytest.raises(services.TaskActionError):
        services.tasks_assign(tasks=[*verify_tasks, dispatch], actor=leader, assignee=verifier)
    assert not Task.objects.filter(owner=verifier).exists()
    services.tasks_assign(tasks=verify_tasks, actor=leader, assignee=verifier)
    assert Task.objects.filter(owner=verifier).count() == 3


def test_saved_filter_shared_with_a_team_is_visible_to_that_team_only():
    leader = staff_member(JibTeam.TEAM_LEADER, JibTeam.VERIFICATION)
    shared = services.saved_filter_save(
        owner=leader, name="Late renewals", team=JibTeam.VERIFICATION, params={"due": "overdue", "priority": "urgent"}
    )
    private = services.saved_filter_save(owner=leader, name="Mine", team="", params={"who": "me"})
    verifier = staff_member(JibTeam.VERIFICATION)
    processor = staff_member(JibTeam.PROCESSING)
    assert set(selectors.saved_filters_for(leader)) == {shared, private}
    assert list(selectors.saved_filters_for(verifier)) == [shared]
    assert list(selectors.saved_filters_for(processor)) == []


def test_a_filter_is_shared_only_with_a_team_its_owner_is_in():
    verifier = staff_member(JibTeam.VERIFICATION)
    with pytest.raises(services.TaskActionError) as refused:
        services.saved_filter_save(owner=verifier, name="x", team=JibTeam.FINANCE, params={})
    assert refused.value.field == "team"
    with pytest.raises(services.TaskActionError):
        services.saved_filter_save(owner=verifier, name="  ", team="", params={})
    assert not SavedFilter.objects.exists()


def test_only_the_owner_deletes_a_saved_filter():
    leader = staff_member(JibTeam.TEAM_LEADER, JibTeam.VERIFICATION)
    saved = services.saved_filter_save(owner=leader, name="Shared", team=JibTeam.VERIFICATION, params={})
    with pytest.raises(PermissionDenied):
        services.saved_filter_delete(saved=saved, user=staff_member(JibTeam.VERIFICATION))
    services.saved_filter_delete(saved=saved, user=leader)
    assert not SavedFilter.objects.exists()


def test_a_link_to_the_queue_holding_a_step_filtered(employer):
    from workflows.tasklist.links import work_list_url

    late = card_task(employer, age_days=9)
    card_task(employer)
    url = work_list_url(CardApplicationFlow.verify, due="overdue")
    assert url.startswith("/backoffice/work/queues/verification/?step=")
    assert work_list_url(CardApplicationFlow.approve).startswith("/backoffice/work/queues/team_leader/")
    assert work_list_url(CardApplicationFlow.await_payment) is None
    from urllib.parse import parse_qs, urlsplit

    params = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    tasks = selectors.apply_filter(
        selectors.open_tasks(steps=[ref(CardApplicationFlow.verify)]), selectors.WorkFilter.from_params(params),
        user=staff_member(JibTeam.VERIFICATION),
    )  # fmt: skip
    assert [task.pk for task in tasks] == [late.pk]
