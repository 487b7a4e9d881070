"""My work and the team queues as pages: who may open what, the actions each reader is offered, values as people
read them, and query counts that do not grow with the list."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts.models import JibTeam
from tests.backoffice.pages.test_backoffice_access import staff_member
from tests.backoffice.services.test_tasklist import card_task
from tests.conftest import sign_in
from tests.factories import PortalUserFactory
from workflows.tasklist.models import SavedFilter

pytestmark = pytest.mark.django_db
RAW = re.compile(r"\{'|\['|\{&#x27;|None</|True<|False<|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|<Task|>[^<]*flows\.\w+Flow")


@pytest.fixture
def employer(organisation):
    return PortalUserFactory(organisation=organisation, office=organisation.head_office, all_flags=True)


def as_member(*teams):
    user = staff_member(*teams)
    return user, sign_in(Client(), user)


def test_the_back_office_opens_on_my_work():
    _, client = as_member(JibTeam.VERIFICATION)
    response = client.get("/backoffice/")
    assert response.status_code == 302 and response["Location"] == reverse("tasklist:my_work")


def test_another_teams_queue_is_refused_an_unknown_queue_is_not_found(employer):
    card_task(employer)
    _, licensing = as_member(JibTeam.LICENSING)
    assert licensing.get(reverse("tasklist:queue", args=[JibTeam.VERIFICATION])).status_code == 403
    assert licensing.get(reverse("tasklist:queue", args=["nonsense"])).status_code == 404
    assert licensing.get(reverse("tasklist:queue", args=[JibTeam.LICENSING])).status_code == 200


def test_portal_users_and_strangers_cannot_open_the_lists(employer):
    client = sign_in(Client(), employer.user)
    for url in (reverse("tasklist:my_work"), reverse("tasklist:queues"), reverse("tasklist:queue", args=["finance"])):
        assert client.get(url).status_code == 403
        assert Client().get(url).status_code == 302  # not signed in: to the sign-in page


def test_another_team_cannot_claim_or_assign_a_task(employer):
    task = card_task(employer)
    _, licensing = as_member(JibTeam.LICENSING)
    assert licensing.post(reverse("tasklist:claim", args=[task.pk])).status_code == 403
    assert licensing.get(reverse("tasklist:assign", args=[task.pk])).status_code == 403
    _, verifier = as_member(JibTeam.VERIFICATION)
    assert verifier.get(reverse("tasklist:assign", args=[task.pk])).status_code == 403  # not a team leader
    task.refresh_from_db()
    assert task.owner is None


def test_the_queue_reads_as_words_and_offers_only_allowed_actions(employer):
    task = card_task(employer, age_days=9)
    held = card_task(employer, owner=staff_member(JibTeam.VERIFICATION))
    _, verifier = as_member(JibTeam.VERIFICATION)
    page = verifier.get(reverse("tasklist:queue", args=[JibTeam.VERIFICATION])).text
    assert task.application.reference in page and escape(task.application.operative.full_name) in page
    assert employer.organisation.name in page
    assert "Verify the application" in page
    assert "2 days late" in page
    assert not RAW.search(page), RAW.search(page)
    assert page.count(">Take<") == 1  # the unassigned one only
    assert reverse("tasklist:claim", args=[task.pk]) in page
    assert reverse("tasklist:claim", args=[held.pk]) not in page
    assert "Assign the ticked tasks" not in page and ">Assign<" not in page


def test_claim_from_the_queue_then_it_is_in_my_work(employer):
    task = card_task(employer)
    user, verifier = as_member(JibTeam.VERIFICATION)
    response = verifier.post(reverse("tasklist:claim", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner == user and task.status == STATUS.ASSIGNED
    page = verifier.get(reverse("tasklist:my_work")).text
    assert task.application.reference in page and "Give back" in page


def test_team_leader_assigns_to_a_named_colleague_from_the_assign_page(employer):
    task = card_task(employer)
    verifier = staff_member(JibTeam.VERIFICATION)
    processor = staff_member(JibTeam.PROCESSING)
    _, leader = as_member(JibTeam.TEAM_LEADER)
    page = leader.get(reverse("tasklist:assign", args=[task.pk])).text
    assert verifier.get_full_name() in page and processor.get_full_name() not in page
    response = leader.post(reverse("tasklist:assign", args=[task.pk]), {"assignee": processor.pk})
    assert response.status_code == 200 and "from the options given" in response.text
    assert 'govuk-error-message" id="id_assignee-error"' in response.text
    task.refresh_from_db()
    assert task.owner is None
    response = leader.post(reverse("tasklist:assign", args=[task.pk]), {"assignee": verifier.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner == verifier


def test_bulk_assign_from_the_queue(employer):
    tasks = [card_task(employer) for _ in range(3)]
    verifier = staff_member(JibTeam.VERIFICATION)
    _, leader = as_member(JibTeam.TEAM_LEADER)
    queue = reverse("tasklist:queue", args=[JibTeam.VERIFICATION])
    page = leader.get(queue).text
    assert "Assign the ticked tasks" in page and verifier.get_full_name() in page
    response = leader.post(
        reverse("tasklist:assign_many"),
        {"tasks": [task.pk for task in tasks[:2]], "assignee": verifier.pk, "next": queue},
    )
    assert response.status_code == 302 and response["Location"] == queue
    assert set(Task.objects.filter(owner=verifier).values_list("pk", flat=True)) == {tasks[0].pk, tasks[1].pk}


def test_save_a_filter_shared_with_a_team_and_it_shows_for_that_team_only(employer):
    card_task(employer)
    leader_user, leader = as_member(JibTeam.TEAM_LEADER, JibTeam.VERIFICATION)
    response = leader.post(
        reverse("tasklist:save_filter"),
        {"name": "Late ones", "team": JibTeam.VERIFICATION, "due": "overdue", "queue": JibTeam.VERIFICATION},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get()
    assert saved.params == {"due": "overdue", "queue": JibTeam.VERIFICATION} and saved.team == JibTeam.VERIFICATION
    _, verifier = as_member(JibTeam.VERIFICATION)
    _, processor = as_member(JibTeam.PROCESSING)
    assert "Late ones" in verifier.get(reverse("tasklist:my_work")).text
    assert "Late ones" not in processor.get(reverse("tasklist:my_work")).text
    # Saving for a team the reader is not in is refused, with a message, and nothing is saved.
    response = processor.post(reverse("tasklist:save_filter"), {"name": "Sneaky", "team": JibTeam.VERIFICATION})
    assert SavedFilter.objects.count() == 1


def test_queue_query_count_does_not_grow_with_the_tasks(employer, django_assert_max_num_queries):
    _, leader = as_member(JibTeam.TEAM_LEADER)
    url = reverse("tasklist:queue", args=[JibTeam.VERIFICATION])
    card_task(employer)
    leader.get(url)  # warm the session and caches
    with django_assert_max_num_queries(25) as few:
        assert leader.get(url).status_code == 200
    for _ in range(12):
        card_task(employer, owner=staff_member(JibTeam.VERIFICATION))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = leader.get(url)
    assert page.status_code == 200 and page.text.count("govuk-table__row") >= 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_my_work_query_count_does_not_grow_with_the_tasks(employer, django_assert_max_num_queries):
    user, verifier = as_member(JibTeam.VERIFICATION)
    url = reverse("tasklist:my_work")
    card_task(employer, owner=user)
    verifier.get(url)
    with django_assert_max_num_queries(25) as few:
        verifier.get(url)
    for _ in range(12):
        card_task(employer, owner=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert verifier.get(url).text.count("Give back") == 13


def test_queue_search_and_later_pages_query_counts_do_not_grow(employer, django_assert_max_num_queries):
    _, leader = as_member(JibTeam.TEAM_LEADER)
    url = reverse("tasklist:queue", args=[JibTeam.VERIFICATION])
    name = employer.organisation.name
    card_task(employer, age_days=9)
    card_task(employer)
    leader.get(url)
    pairs = [  # (a page of the short list, the same kind of page of the long one)
        ({"page": 1}, {"page": 2}),
        ({"q": name}, {"q": name, "page": 2}),
        ({"q": name, "due": "overdue"}, {"q": name, "due": "overdue"}),
    ]
    counted = []
    for short, _ in pairs:
        with django_assert_max_num_queries(25) as few:
            assert leader.get(url, short).status_code == 200
        counted.append(len(few.captured_queries))
    for age in range(60):
        card_task(employer, age_days=age % 12)  # 21 of the 62 late
    for (_, long), most in zip(pairs, counted, strict=True):
        with django_assert_max_num_queries(most):
            page = leader.get(url, long)
        assert page.status_code == 200 and page.text.count("govuk-table__row") > 10


def test_queues_page_counts(employer):
    card_task(employer, age_days=10)
    card_task(employer)
    _, leader = as_member(JibTeam.TEAM_LEADER)
    page = leader.get(reverse("tasklist:queues")).text
    assert "Verification" in page and "Verify the application (2, 1 late)" in page
    assert not RAW.search(page)


def test_team_leader_filters_the_queue_by_a_named_colleague(employer):
    vera = staff_member(JibTeam.VERIFICATION)
    held = card_task(employer, owner=vera)
    card_task(employer)
    _, leader = as_member(JibTeam.TEAM_LEADER)
    url = reverse("tasklist:queue", args=[JibTeam.VERIFICATION])
    assert f'<option value="{vera.pk}">{vera.get_full_name()}</option>' in leader.get(url).text
    page = leader.get(url, {"who": vera.pk}).text
    assert "1 task match" in page and held.application.reference in page
