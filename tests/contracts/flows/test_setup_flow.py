"""The contract set-up processes follow the domain: one per contract (set up, in progress, closed) and one per
invitation, in parallel (answered: accepted, declined; or expired); the daily Prefect flow reminds, expires,
starts and completes; and it is served as a daily deployment."""

from datetime import date, timedelta

import pytest
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from portal.contracts import services
from portal.contracts.models import Contract, ContractParty
from tests.contracts.factories import accepted_party, check_user, contract_for
from workflows.contract_setup.flows import ContractSetupFlow, InvitationFlow
from workflows.contract_setup.selectors import open_task

pytestmark = pytest.mark.django_db
TODAY = date.today()


def process_of(flow_class, artifact) -> Process:
    return Process.objects.get(flow_class=flow_class, artifact_object_id=artifact.pk)


def finished_at(flow_class, artifact) -> str:
    process = process_of(flow_class, artifact)
    assert process.status == PROCESS.DONE
    return process.task_set.filter(flow_task_type="END").get().flow_task.name


def test_invitations_run_in_parallel_and_end_by_their_answer():
    owner = check_user()
    contract = contract_for(owner)
    assert open_task(artifact_id=contract.pk, step=ContractSetupFlow.set_up) is not None
    yes, no, silent = check_user(), check_user(), check_user()
    invited = {
        who: services.party_invite(contract=contract, invited_by=owner.user, organisation=user.organisation)
        for who, user in (("yes", yes), ("no", no), ("silent", silent))
    }
    for party in invited.values():
        assert open_task(artifact_id=party.pk, step=InvitationFlow.await_answer) is not None
    services.party_respond(party=invited["yes"], accept=True, responded_by=yes.user)
    services.party_respond(party=invited["no"], accept=False, responded_by=no.user)
    assert finished_at(InvitationFlow, invited["yes"]) == "accepted"
    assert finished_at(InvitationFlow, invited["no"]) == "declined"
    assert process_of(InvitationFlow, invited["silent"]).status == PROCESS.NEW
    services.parties_expire(today=TODAY + timedelta(days=15))
    assert finished_at(InvitationFlow, invited["silent"]) == "expired"


def test_contract_goes_live_then_completes_at_its_end_date():
    from tasks.contracts import contracts_daily

    owner, company = check_user(), check_user()
    contract = contract_for(owner, starts_on=TODAY + timedelta(days=1), ends_on=TODAY + timedelta(days=30))
    party = accepted_party(contract, owner, company)
    waiting = services.party_invite(contract=contract, invited_by=owner.user, organisation=check_user().organisation)
    assert contracts_daily.fn(today=TODAY) == {"reminded": 0, "expired": 0, "started": 0, "completed": 0}
    assert contracts_daily.fn(today=TODAY + timedelta(days=3)) == {
        "reminded": 1,
        "expired": 0,
        "started": 1,
        "completed": 0,
    }
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_PROGRESS
    assert open_task(artifact_id=contract.pk, step=ContractSetupFlow.in_progress) is not None
    on_last_day = contracts_daily.fn(today=TODAY + timedelta(days=30))  # its end date is still a working day
    assert on_last_day["completed"] == 0 and on_last_day["expired"] == 1  # the unanswered invitation
    assert contracts_daily.fn(today=TODAY + timedelta(days=31))["completed"] == 1
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert finished_at(ContractSetupFlow, contract) == "closed"
    waiting.refresh_from_db()
    assert waiting.status == ContractParty.Status.EXPIRED
    assert finished_at(InvitationFlow, waiting) == "expired"
    assert finished_at(InvitationFlow, party) == "accepted"


def test_a_contract_cancelled_while_being_set_up_closes_its_process():
    owner = check_user()
    contract = contract_for(owner)
    services.contract_cancel(contract=contract, actor=owner.user)
    assert finished_at(ContractSetupFlow, contract) == "closed"


def test_the_daily_run_is_a_served_deployment():
    from concurrent.futures import ThreadPoolExecutor

    from tasks.serve import deployments

    with ThreadPoolExecutor(max_workers=1) as pool:
        built = pool.submit(deployments).result()
    daily = next(d for d in built if d.flow_name == "contracts-daily")
    assert daily.name == "daily" and daily.schedules[0].schedule.cron == "30 0 * * *"


def test_the_back_office_shows_the_cases_to_the_licensing_team(client):
    from portal.accounts import services as account_services
    from tests.conftest import sign_in

    owner = check_user()
    contract = contract_for(owner)
    process = process_of(ContractSetupFlow, contract)
    staff = account_services.jib_staff_create(
        email="lena@jib.example", first_name="Lena", last_name="Lister", mobile="+447700123998",
        teams=["licensing"], password="correct horse battery",
    )  # fmt: skip
    sign_in(client, staff)
    base = "/backoffice/workflow/flows/contractsetup"
    assert client.get(f"{base}/").status_code == 200
    detail = client.get(f"{base}/{process.pk}/")
    assert detail.status_code == 200 and contract.name in detail.text
    assert client.get(f"{base}/chart/").status_code == 200
    client.logout()
    finance = account_services.jib_staff_create(
        email="fiona@jib.example", first_name="Fiona", last_name="Finch", mobile="+447700123997",
        teams=["finance"], password="correct horse battery",
    )  # fmt: skip
    sign_in(client, finance)
    assert client.get(f"{base}/").status_code == 403
