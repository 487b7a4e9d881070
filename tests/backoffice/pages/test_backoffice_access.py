"""Back-office least access: each JIB team opens the cases, task pages and files of its own processes only.

Licence cases and the applicant's company accounts: Licensing. Card applications and their documents:
Verification and Processing. BACS allocation: Finance. Team leaders and managers see what their teams see.
Anyone else gets 403, or is sent nowhere, and nothing of the case is shown.
"""

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from reportlab.pdfgen import canvas
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts import services as account_services
from portal.accounts.access import (
    CARD_APPLICATION_TEAMS,
    FINANCE_TEAMS,
    LICENCE_TEAMS,
    jib_application_document,
    jib_bank_transfer,
    jib_card_application,
    jib_licence_application,
    require_jib_team,
)
from portal.accounts.models import JibTeam
from portal.applications.models import ApplicationDocument, CardApplication
from portal.licensing.models import LicenceApplication
from portal.orders import services as order_services
from portal.orders.models import BankTransfer
from tests.conftest import sign_in
from tests.licence_helpers import VALID, membership_records
from workflows.bacs_allocation.flows import BacsAllocationFlow
from workflows.card_application.flows import CardApplicationFlow
from workflows.licence.flows import LicenceFlow

BASE = "/backoffice/workflow/flows"
OPEN = [STATUS.NEW, STATUS.ASSIGNED]
PASSWORD = "correct horse battery"


def pdf_bytes(text: str = "Accounts for the year") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


@dataclass
class Casework:
    """One case per process with an open task for a person, and the files the back office serves."""

    licence: LicenceApplication
    licence_task: Task
    card: CardApplication
    card_task: Task
    document: ApplicationDocument
    transfer: BankTransfer
    bacs_task: Task

    def task_path(self, task: Task, suffix: str = "detail/") -> str:
        flow = task.flow_task.flow_class
        return f"{BASE}/{flow.instance.flow_label}/{task.process_id}/{task.flow_task.name}/{task.pk}/{suffix}"

    def process_path(self, task: Task) -> str:
        return f"{BASE}/{task.flow_task.flow_class.instance.flow_label}/{task.process_id}/"


@pytest.fixture
def casework(client, settings, tmp_path, companies_house, django_capture_on_commit_callbacks) -> Casework:
    """The demo's cases (card applications at the JIB's stages, their automated pre-checks finished), a licence
    application with company accounts, and a BACS transfer the statement import could not settle."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    settings.ECS_RUN_JOBS_INLINE = True
    membership_records()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
        response = client.post(
            "/apply/",
            {
                **VALID,
                "organisation_name": "Accounts Filed Ltd",
                "jib_membership_number": "",
                "accounts": io.BytesIO(pdf_bytes()),
            },
        )
        assert response.status_code == 302, response.text[:2000]
        order_services.bank_statement_import(
            content="Date,Description,Amount\n24/11/2026,BGC NO REFERENCE AT ALL,99.99\n", name="statement.csv"
        )
    licence = LicenceApplication.objects.get(organisation_name="Accounts Filed Ltd")
    assert licence.accounts
    licence_task = Task.objects.get(
        process__artifact_object_id=licence.pk,
        flow_task__in=[LicenceFlow.verify, LicenceFlow.check_manually],
        status__in=OPEN,
    )
    card_task = Task.objects.filter(flow_task=CardApplicationFlow.verify, status__in=OPEN).order_by("pk").first()
    card = CardApplication.objects.get(pk=card_task.process.artifact_object_id)
    document = card.documents.exclude(file="").order_by("pk").first()
    assert document is not None
    transfer = BankTransfer.objects.get(description__contains="NO REFERENCE AT ALL")
    bacs_task = Task.objects.get(flow_task=BacsAllocationFlow.allocate, status__in=OPEN)
    assert str(bacs_task.process.artifact_object_id) == str(transfer.pk)
    return Casework(licence, licence_task, card, card_task, document, transfer, bacs_task)


_staff = [0]


def staff_member(*teams: str):
    _staff[0] += 1
    n = _staff[0]
    return account_services.jib_staff_create(
        email=f"team{n}@jib.example",
        first_name="Case",
        last_name=f"Worker{n}",
        mobile=f"+4477009{n:05d}",
        teams=list(teams),
        password=PASSWORD,
    )


def team_client(*teams: str) -> Client:
    return sign_in(Client(), staff_member(*teams))


# What each team may open: its own process, and everything for team leaders and managers.
SEES = {
    JibTeam.LICENSING: {"licence"},
    JibTeam.VERIFICATION: {"card"},
    JibTeam.PROCESSING: {"card"},
    JibTeam.FINANCE: {"bacs"},
    JibTeam.TEAM_LEADER: {"licence", "card", "bacs"},
    JibTeam.MANAGER: {"licence", "card", "bacs"},
}


def pages(casework: Casework) -> dict[str, list[str]]:
    """Every page and file of each process's case."""
    return {
        "licence": [
            f"{BASE}/licence/",
            f"{BASE}/licence/flows/",
            f"{BASE}/licence/tasks/",
            f"{BASE}/licence/chart/",
            casework.process_path(casework.licence_task),
            casework.task_path(casework.licence_task),
            f"/apply/documents/{casework.licence.pk}/accounts/",
        ],
        "card": [
            f"{BASE}/cardapplication/",
            f"{BASE}/cardapplication/flows/",
            f"{BASE}/cardapplication/tasks/",
            casework.process_path(casework.card_task),
            casework.task_path(casework.card_task),
            f"{BASE}/cardapplication/document/{casework.document.pk}/",
        ],
        "bacs": [
            f"{BASE}/bacsallocation/",
            f"{BASE}/bacsallocation/flows/",
            f"{BASE}/bacsallocation/tasks/",
            casework.process_path(casework.bacs_task),
            casework.task_path(casework.bacs_task),
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("team", list(SEES))
def test_each_team_opens_its_own_processes_and_nothing_of_the_others(casework, team):
    client = team_client(team)
    for process, urls in pages(casework).items():
        for url in urls:
            response = client.get(url)
            if process in SEES[team]:
                assert response.status_code == 200, (team, url, response.status_code)
            else:
                assert response.status_code == 403, (team, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("team", list(SEES))
def test_the_shared_lists_show_only_the_teams_own_cases(casework, team):
    """The queue, the inbox and the process index list what the team may open, and no other process's case."""
    client = team_client(team)
    queue = client.get("/backoffice/workflow/queue/")
    assert queue.status_code == 200
    summaries = {
        "licence": casework.licence.organisation_name,
        "card": casework.card.reference,
        "bacs": "NO REFERENCE AT ALL",
    }
    for process, text in summaries.items():
        if process not in SEES[team]:
            assert text not in queue.text, (team, process)
    flows = client.get("/backoffice/workflow/flows/", follow=True)
    assert flows.status_code == 200
    titles = {"licence": "Licence application", "card": "Card application", "bacs": "BACS allocation"}
    for process, title in titles.items():
        link = f'href="{BASE}/{ {"licence": "licence", "card": "cardapplication", "bacs": "bacsallocation"}[process] }/'
        assert (link in flows.text) == (process in SEES[team]), (team, title)


@pytest.mark.django_db
def test_the_queue_offers_each_team_its_own_tasks(casework):
    assert casework.licence.organisation_name in team_client(JibTeam.LICENSING).get("/backoffice/workflow/queue/").text
    assert casework.card.reference in team_client(JibTeam.VERIFICATION).get("/backoffice/workflow/queue/").text
    assert "NO REFERENCE AT ALL" in team_client(JibTeam.FINANCE).get("/backoffice/workflow/queue/").text


@pytest.mark.django_db
def test_a_team_cannot_work_another_teams_task(casework):
    """Taking or doing another process's task is refused before anything changes."""
    finance = team_client(JibTeam.FINANCE)
    for suffix in ("assign/", "execute/"):
        assert finance.post(casework.task_path(casework.card_task, suffix)).status_code == 403
        assert finance.post(casework.task_path(casework.licence_task, suffix)).status_code == 403
    licensing = team_client(JibTeam.LICENSING)
    assert licensing.post(casework.task_path(casework.bacs_task, "assign/")).status_code == 403
    for task in (casework.card_task, casework.licence_task, casework.bacs_task):
        task.refresh_from_db()
        assert task.owner_id is None and task.status == STATUS.NEW


@pytest.mark.django_db
def test_files_are_served_to_their_teams(casework):
    accounts = team_client(JibTeam.LICENSING).get(f"/apply/documents/{casework.licence.pk}/accounts/")
    assert accounts.status_code == 200 and b"".join(accounts.streaming_content).startswith(b"%PDF")
    document = team_client(JibTeam.PROCESSING).get(f"{BASE}/cardapplication/document/{casework.document.pk}/")
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == casework.document.file.open("rb").read()


@pytest.mark.django_db
def test_portal_users_and_strangers_get_nothing(casework, primary_user, client):
    """An employer's user never reaches the back office or an applicant's accounts; neither does anyone signed
    out."""
    for url in (f"/apply/documents/{casework.licence.pk}/accounts/", casework.task_path(casework.card_task)):
        assert Client().get(url).status_code == 302  # to the sign-in page
    portal = sign_in(Client(), primary_user.user)
    for urls in pages(casework).values():
        for url in urls:
            assert portal.get(url).status_code == 403, url


# The helpers themselves


@pytest.mark.django_db
def test_helpers_refuse_before_fetching_and_404_what_does_not_exist(casework):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    finance, licensing = staff_member(JibTeam.FINANCE), staff_member(JibTeam.LICENSING)
    verification = staff_member(JibTeam.VERIFICATION)
    leader = staff_member(JibTeam.TEAM_LEADER)
    refused = [
        (jib_licence_application, finance, casework.licence.pk),
        (jib_card_application, licensing, casework.card.pk),
        (jib_application_document, finance, casework.document.pk),
        (jib_bank_transfer, verification, casework.transfer.pk),
        (jib_card_application, finance, 10**9),  # 403 whether or not it exists
    ]
    for helper, user, pk in refused:
        with pytest.raises(PermissionDenied):
            helper(user, pk)
    assert jib_licence_application(licensing, casework.licence.pk) == casework.licence
    assert jib_card_application(verification, casework.card.pk) == casework.card
    assert jib_application_document(verification, casework.document.pk) == casework.document
    assert jib_bank_transfer(finance, casework.transfer.pk) == casework.transfer
    own = {
        jib_licence_application: casework.licence,
        jib_card_application: casework.card,
        jib_application_document: casework.document,
        jib_bank_transfer: casework.transfer,
    }
    for helper, obj in own.items():
        assert helper(leader, obj.pk) == obj
        for missing in (10**9, "x"):
            with pytest.raises(Http404):
                helper(leader, missing)


@pytest.mark.django_db
def test_an_application_the_employer_has_not_sent_is_not_a_jib_case(casework):
    from django.http import Http404

    verification = staff_member(JibTeam.VERIFICATION)
    assert jib_application_document(verification, casework.document.pk) == casework.document
    for status in (CardApplication.Status.IN_PROGRESS, CardApplication.Status.FINALISED):
        CardApplication.objects.filter(pk=casework.card.pk).update(status=status)
        for helper, pk in ((jib_card_application, casework.card.pk), (jib_application_document, casework.document.pk)):
            with pytest.raises(Http404):
                helper(verification, pk)


@pytest.mark.django_db
def test_require_jib_team_needs_active_jib_staff_in_the_team(primary_user):
    from django.core.exceptions import PermissionDenied

    member = staff_member(JibTeam.FINANCE)
    require_jib_team(member, *FINANCE_TEAMS)
    for teams in (LICENCE_TEAMS, CARD_APPLICATION_TEAMS):
        with pytest.raises(PermissionDenied):
            require_jib_team(member, *teams)
    member.is_active = False
    member._jib_teams = None
    with pytest.raises(PermissionDenied):
        require_jib_team(member, *FINANCE_TEAMS)
    # A portal user put in a team's group is still not JIB staff.
    from django.contrib.auth.models import Group

    primary_user.user.groups.add(Group.objects.get(name=JibTeam.FINANCE))
    with pytest.raises(PermissionDenied):
        require_jib_team(primary_user.user, *FINANCE_TEAMS)


@pytest.mark.django_db
@pytest.mark.parametrize("team", list(SEES))
def test_the_casework_dashboard_is_for_team_leaders_and_managers(team):
    from django.urls import reverse

    client = team_client(team)
    response = client.get(reverse("casework_dashboard"))
    managing = team in (JibTeam.TEAM_LEADER, JibTeam.MANAGER)
    assert response.status_code == (200 if managing else 403)
    menu = client.get("/backoffice/workflow/queue/").text
    assert (reverse("casework_dashboard") in menu or "Casework dashboard" in menu) == managing
