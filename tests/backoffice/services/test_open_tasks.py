"""The stored terms of open tasks (OpenTask), kept up to date where they change: a task created, assigned, done or
cancelled; a service level edited; a hold answered; a renewal whose card comes within 4 weeks of expiry. And the
PostgreSQL plans the work lists rely on: the queue's order and its search read indexes, not the whole table."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts.models import JibTeam
from portal.orders.models import ApplicationType
from tests.backoffice.pages.test_backoffice_access import staff_member
from tests.backoffice.services.test_tasklist import card_task, employer, ref  # noqa: F401  (employer: a fixture)
from tests.factories_registry import CardFactory, EmploymentFactory
from workflows.card_application.flows import CardApplicationFlow
from workflows.tasklist import selectors, services
from workflows.tasklist.cases import search_q
from workflows.tasklist.models import (
    PRIORITY_ANSWERED,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    OpenTask,
    ServiceLevel,
)

pytestmark = pytest.mark.django_db
VERIFY = "workflow_card_application/flows.CardApplicationFlow.verify"


def terms(task) -> OpenTask | None:
    return OpenTask.objects.filter(task_id=task.pk).first()


def renewal_task(employer, *, expires_in_days: int, **kwargs):  # noqa: F811
    employment = EmploymentFactory(organisation=employer.organisation, office=employer.office)
    card = CardFactory(operative=employment.operative, expires_on=date.today() + timedelta(days=expires_in_days))
    return card_task(
        employer, employment=employment, application_type=ApplicationType.RENEWAL, renews_card=card, **kwargs
    )


def test_a_task_created_gets_its_due_date_priority_and_search_words(employer):  # noqa: F811
    task = card_task(employer, age_days=2)
    row = terms(task)
    application = task.application
    assert row.flow_task == VERIFY and row.process_id == task.process_id and row.owner_id is None
    assert row.created == task.created and row.due == task.created + timedelta(days=7)
    assert row.priority == PRIORITY_NORMAL and row.urgent_from is None
    assert row.reference == application.reference.upper()
    assert row.surname == application.operative.last_name.upper()
    assert row.forename == application.operative.first_name.upper()
    assert row.names == employer.organisation.name.upper()


def test_a_task_of_a_step_no_one_works_in_the_back_office_has_no_row(employer):  # noqa: F811
    task = card_task(employer)
    employer_task = Task.objects.create(
        process=task.process, flow_task=CardApplicationFlow.await_supply, flow_task_type="HUMAN", status=STATUS.NEW
    )
    assert terms(employer_task) is None and OpenTask.objects.count() == 1


def test_claim_release_and_assign_keep_the_holder(employer):  # noqa: F811
    task = card_task(employer)
    verifier = staff_member(JibTeam.VERIFICATION)
    services.task_claim(task=task, user=verifier)
    assert terms(task).owner == verifier
    services.task_release(task=Task.objects.get(pk=task.pk), user=verifier)
    assert terms(task).owner is None
    leader, other = staff_member(JibTeam.TEAM_LEADER), staff_member(JibTeam.VERIFICATION)
    services.task_assign(task=Task.objects.get(pk=task.pk), actor=leader, assignee=other)
    assert terms(task).owner == other
    assert [t.pk for t in selectors.my_work(user=other, steps=[VERIFY])] == [task.pk]


@pytest.mark.parametrize("status", [STATUS.DONE, STATUS.CANCELED])
def test_a_task_done_or_cancelled_leaves_the_lists(employer, status):  # noqa: F811
    task, other = card_task(employer), card_task(employer)
    task.status = status
    task.finished = timezone.now()
    task.save()
    assert terms(task) is None and terms(other) is not None


def test_a_process_cancelled_takes_its_open_task_off_the_lists(employer):  # noqa: F811
    task = card_task(employer)
    with task.activation() as activation:
        activation.cancel()
    assert Task.objects.get(pk=task.pk).status == STATUS.CANCELED and terms(task) is None


def test_a_service_level_edited_moves_the_due_dates_of_its_step_only(employer):  # noqa: F811
    verify = card_task(employer, age_days=3)
    approve = card_task(employer, CardApplicationFlow.approve, age_days=1)
    approve_due = terms(approve).due
    services.service_level_set(flow_task=VERIFY, days=2)
    assert terms(verify).due == verify.created + timedelta(days=2)
    assert terms(approve).due == approve_due
    assert selectors.step_counts(steps=[VERIFY], user=staff_member(JibTeam.VERIFICATION))[VERIFY]["overdue"] == 1
    services.service_level_set(flow_task=VERIFY, days=None)
    assert terms(verify).due is None and not ServiceLevel.objects.filter(flow_task=VERIFY).exists()
    # A task opened later is due by the service level of its day.
    services.service_level_set(flow_task=VERIFY, days=4)
    later = card_task(employer)
    assert terms(later).due == later.created + timedelta(days=4)


def test_a_service_level_edited_in_django_admin_moves_the_due_dates(employer):  # noqa: F811
    task = card_task(employer)
    level = ServiceLevel.objects.get(flow_task=VERIFY)
    model_admin = admin.site._registry[ServiceLevel]
    level.days = 1
    model_admin.save_model(None, level, SimpleNamespace(initial={"flow_task": VERIFY}), change=True)
    assert terms(task).due == task.created + timedelta(days=1)
    model_admin.delete_model(None, level)
    assert terms(task).due is None


def test_a_hold_answered_raises_the_cases_open_tasks_and_the_next_ones(employer):  # noqa: F811
    task, other = card_task(employer), card_task(employer)
    urgent = renewal_task(employer, expires_in_days=5)
    assert terms(urgent).priority == PRIORITY_URGENT
    for case in (task, urgent):
        Task.objects.create(
            process=case.process,
            flow_task=CardApplicationFlow.await_supply,
            flow_task_type="HUMAN",
            status=STATUS.DONE,
            finished=timezone.now(),
        )
    assert terms(task).priority == PRIORITY_ANSWERED
    assert terms(other).priority == PRIORITY_NORMAL
    assert terms(urgent).priority == PRIORITY_URGENT  # urgent stays urgent
    # A task opened later in an answered case starts as answered.
    approve = card_task(employer, CardApplicationFlow.approve, application=task.application)
    assert terms(approve).priority == PRIORITY_ANSWERED


def test_a_hold_still_open_raises_nothing(employer):  # noqa: F811
    task = card_task(employer)
    Task.objects.create(
        process=task.process, flow_task=CardApplicationFlow.await_supply, flow_task_type="HUMAN", status=STATUS.NEW
    )
    assert terms(task).priority == PRIORITY_NORMAL


def test_a_renewal_becomes_urgent_on_the_day_its_card_is_4_weeks_from_expiry(employer):  # noqa: F811
    task = renewal_task(employer, expires_in_days=40)
    row = terms(task)
    assert row.urgent_from == date.today() + timedelta(days=12) and row.priority == PRIORITY_NORMAL
    assert services.open_task_priorities_raise(today=date.today() + timedelta(days=11)) == 0
    assert terms(task).priority == PRIORITY_NORMAL
    assert services.open_task_priorities_raise(today=date.today() + timedelta(days=12)) == 1
    assert terms(task).priority == PRIORITY_URGENT
    assert services.open_task_priorities_raise(today=date.today() + timedelta(days=13)) == 0


def test_rebuild_makes_the_same_rows_as_keeping_them_up_to_date(employer):  # noqa: F811
    verifier = staff_member(JibTeam.VERIFICATION)
    card_task(employer, age_days=9)
    card_task(employer, owner=verifier)
    renewal_task(employer, expires_in_days=3)
    answered = card_task(employer)
    Task.objects.create(
        process=answered.process, flow_task=CardApplicationFlow.await_supply, flow_task_type="HUMAN",
        status=STATUS.DONE, finished=timezone.now(),
    )  # fmt: skip
    done = card_task(employer)
    done.status = STATUS.DONE
    done.save()

    def snapshot():
        return list(OpenTask.objects.values_list(named=True).order_by("pk"))

    kept = snapshot()
    OpenTask.objects.all().delete()
    assert services.open_tasks_rebuild(batch=2) == 4
    assert snapshot() == kept and len(kept) == 4


def test_the_rebuild_command_and_the_urgency_sweep(employer):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    card_task(employer)
    OpenTask.objects.all().delete()
    out = StringIO()
    call_command("rebuild_work_lists", stdout=out)
    assert OpenTask.objects.count() == 1 and "1 open task in the work lists" in out.getvalue()
    call_command("rebuild_work_lists", "--raise-priorities", stdout=out)
    assert "0 open tasks made urgent" in out.getvalue()


# -- PostgreSQL's plans ----------------------------------------------------------------------------------------------


def _plan(queryset, *settings: str) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_queue_is_read_in_index_order_without_sorting(employer):  # noqa: F811
    for age in range(5):
        card_task(employer, age_days=age * 3)
    now = timezone.now()
    tasks = selectors.open_tasks(steps=[VERIFY])
    late = tasks.filter(due__lt=now).values_list("task_id", "due", "priority")[:50]
    plan = _plan(late, "enable_seqscan = off")
    assert "tasklist_open_" in plan and "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_search_reads_its_indexes(employer):  # noqa: F811
    task = card_task(employer)
    application = task.application
    tasks = selectors.open_tasks(steps=[VERIFY]).values_list("task_id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'tasklist_open_names_trgm'")
        trigram = cursor.fetchone() is not None
    for term, index in [
        (application.reference, "tasklist_open_reference"),
        (application.operative.last_name[:4], "tasklist_open_surname"),
        (employer.organisation.name[2:8], "tasklist_open_names_trgm" if trigram else None),
    ]:
        # The search's own condition, apart from the planner's choice on a near-empty table (which may read the
        # step's index and filter): each part of it can be answered from its index.
        searched = OpenTask.objects.filter(search_q(term)).values_list("task_id")
        plan = _plan(searched, "enable_seqscan = off", "enable_indexscan = off")
        if index:
            assert index in plan, (term, plan)
        assert [row[0] for row in selectors.apply_filter(tasks, selectors.WorkFilter(q=term), user=None)] == [task.pk]


def test_a_page_across_the_late_ones_and_the_others_keeps_the_order(employer):  # noqa: F811
    late = [card_task(employer, age_days=days) for days in (12, 10, 8)]  # due 5, 3 and 1 days ago
    on_time = [card_task(employer, age_days=days) for days in (5, 3, 1)]
    urgent = renewal_task(employer, expires_in_days=3, age_days=0)
    expected = [*late, urgent, *on_time]  # late first (by due date), then urgent, then by due date
    tasks = selectors.open_tasks(steps=[VERIFY])
    now = timezone.now()
    total, late_count = selectors.list_counts(tasks, now=now)
    assert (total, late_count) == (7, 3)
    whole = [task.pk for task in selectors.page_of(tasks, 0, 7, now=now)]
    assert whole == [task.pk for task in expected]
    for start, stop in [(0, 2), (2, 4), (3, 5), (4, 7), (6, 7)]:
        page = selectors.page_of(tasks, start, stop, now=now, late=late_count)
        assert [task.pk for task in page] == whole[start:stop]
        assert [task.overdue for task in page] == [index < 3 for index in range(start, stop)]


def test_an_organisation_renamed_is_found_by_its_new_name_and_the_change_is_recorded(employer):  # noqa: F811
    from portal.organisations.models import OrganisationEvent
    from portal.organisations.services import organisation_update_details

    task = card_task(employer)
    organisation = employer.organisation
    organisation_update_details(
        organisation=organisation,
        name="Renamed Electrical Ltd",
        address=organisation.address,
        postcode=organisation.postcode,
        telephone=organisation.telephone,
        email=organisation.email,
        actor=employer.user,
    )
    assert terms(task).names == "RENAMED ELECTRICAL LTD"
    assert terms(task).priority == PRIORITY_NORMAL  # only what a search finds it by is made again
    (event,) = OrganisationEvent.objects.filter(organisation=organisation)
    assert event.actor == employer.user and "from " in event.what and "to Renamed Electrical Ltd" in event.what


def test_details_saved_unchanged_record_nothing(employer):  # noqa: F811
    from portal.organisations.models import OrganisationEvent
    from portal.organisations.services import organisation_update_details

    organisation = employer.organisation
    fields = {f: getattr(organisation, f) for f in ("name", "address", "postcode", "telephone", "email")}
    organisation_update_details(organisation=organisation, **fields)
    assert not OrganisationEvent.objects.exists()
