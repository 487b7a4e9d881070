"""ECS Check pages: the licence part and each flag (403), another organisation or a sibling's branch (404), the
forms' errors beside their fields, privacy of other companies' staff, and constant queries on the lists."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from portal.contracts import services
from portal.contracts.models import Contract, ContractParty, ContractWorker
from portal.organisations.permissions import Flag
from tests.contracts.factories import accepted_party, check_user, contract_for, three_tier_chain, worker_on
from tests.factories import OrganisationFactory
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def chain():
    return three_tier_chain()


def url(contract, suffix=""):
    return f"/portal/contracts/{contract.pk}/{suffix}"


def test_the_licence_must_include_ecs_check(client, signed_in):
    user = check_user(OrganisationFactory(licence__ecs_check=False))
    signed_in(user)
    for path in ("/portal/contracts/", "/portal/contracts/new/", "/portal/contracts/invitations/"):
        assert client.get(path).status_code == 403, path
    assert "Contracts" not in client.get("/portal/").text


@pytest.mark.parametrize(
    ("flags", "path", "status"),
    [
        ((Flag.VIEW_CONTRACTS,), "/portal/contracts/in-progress/", 200),
        ((Flag.CREATE_CONTRACTS,), "/portal/contracts/being-set-up/", 200),
        ((Flag.ADD_SUBCONTRACTORS,), "/portal/contracts/completed/", 403),
        ((Flag.VIEW_CONTRACTS,), "/portal/contracts/new/", 403),
        ((Flag.CREATE_CONTRACTS,), "/portal/contracts/new/", 200),
        ((Flag.VIEW_CONTRACTS,), "/portal/contracts/invitations/", 403),
        ((Flag.MANAGE_CONTRACT_WORKERS,), "/portal/contracts/invitations/", 200),
        ((Flag.VIEW_EMPLOYEES,), "/portal/contracts/in-progress/", 403),
    ],
)
def test_each_flag_opens_its_pages(client, signed_in, flags, path, status):
    signed_in(check_user(flags=flags))
    assert client.get(path).status_code == status


def test_create_a_contract_with_errors_beside_the_fields(client, signed_in):
    user = check_user()
    signed_in(user)
    response = client.post(
        "/portal/contracts/new/",
        {"name": "Depot rewire", "site_address": "Yard 2", "site_postcode": "nonsense",
         "starts_on": "2026-12-01", "ends_on": "2026-11-01"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.text
    assert "Enter a real UK postcode" in page and "The end date must be on or after the start date." in page
    assert 'value="Depot rewire"' in page  # nothing typed is lost
    assert not Contract.objects.exists()
    response = client.post(
        "/portal/contracts/new/",
        {"name": "Depot rewire", "site_address": "Yard 2", "site_postcode": "bt12 5ab",
         "starts_on": "2026-12-01", "ends_on": "2027-03-01", "client_reference": "D-1"},
    )  # fmt: skip
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == url(contract)
    assert contract.client == user.organisation and contract.site_postcode == "BT12 5AB"
    assert contract.status == Contract.Status.SETTING_UP
    assert "Depot rewire" in client.get("/portal/contracts/being-set-up/").text


def test_invite_by_name_or_companies_house_number_or_email(client, signed_in):
    user = check_user()
    contract = contract_for(user)
    other = OrganisationFactory(name="Brightwire Electrical Ltd", companies_house_number="NI612345")
    unlicensed_for_check = OrganisationFactory(name="Portal Only Ltd", licence__ecs_check=False)
    signed_in(user)
    response = client.post(url(contract, "invite/"), {"company": "Nobody Ltd"})
    assert "No licensed organisation with ECS Check has that name" in response.text
    response = client.post(url(contract, "invite/"), {"company": unlicensed_for_check.name})
    assert "No licensed organisation with ECS Check" in response.text
    response = client.post(url(contract, "invite/"), {"company": "ni 612345", "role": "Electrical contractor"})
    assert response.status_code == 302
    party = ContractParty.objects.get(organisation=other)
    assert party.tier == 1 and party.status == ContractParty.Status.INVITED and party.role == "Electrical contractor"
    response = client.post(url(contract, "invite/"), {"company": "brightwire electrical ltd"})
    assert "already in this contract" in response.text
    OrganisationFactory(name="Brightwater Electrics Ltd")
    OrganisationFactory(name="Brightwater Lighting Ltd")
    response = client.post(url(contract, "invite/"), {"company": "brightwater"})
    assert "Several organisations match: Brightwater Electrics Ltd, Brightwater Lighting Ltd." in response.text
    response = client.post(url(contract, "invite/"), {"company": "lighting electrics"})
    assert "No licensed organisation" in response.text
    assert client.post(url(contract, "invite/"), {"company": "Brightwater Light"}).status_code == 302
    response = client.post(url(contract, "invite/"), {"invited_email": "boss@newco.example"})
    assert "Enter the company" in response.text
    response = client.post(url(contract, "invite/"), {"invited_email": "boss@newco.example", "invited_name": "NewCo"})
    assert response.status_code == 302
    assert ContractParty.objects.get(invited_email="boss@newco.example").organisation is None


def test_answer_an_invitation_and_see_the_contract(client, signed_in):
    owner, company = check_user(), check_user()
    contract = contract_for(owner)
    party = services.party_invite(contract=contract, invited_by=owner.user, organisation=company.organisation)
    signed_in(company)
    assert client.get(url(contract)).status_code == 404  # not before accepting
    page = client.get("/portal/contracts/invitations/").text
    assert contract.name in page
    response = client.post(f"/portal/contracts/invitations/{party.pk}/answer/", {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == url(contract)
    party.refresh_from_db()
    assert party.status == ContractParty.Status.ACCEPTED and party.responded_by == company.user
    assert client.get(url(contract)).status_code == 200
    # another organisation's invitation: 404
    stranger = services.party_invite(contract=contract, invited_by=owner.user, organisation=OrganisationFactory())
    assert client.post(f"/portal/contracts/invitations/{stranger.pk}/answer/", {"answer": "accept"}).status_code == 404


def test_a_declined_company_and_another_organisation_get_404(client, signed_in):
    owner, declined = check_user(), check_user()
    contract = contract_for(owner)
    party = services.party_invite(contract=contract, invited_by=owner.user, organisation=declined.organisation)
    services.party_respond(party=party, accept=False, responded_by=declined.user)
    signed_in(declined)
    assert client.get(url(contract)).status_code == 404
    client.logout()
    signed_in(check_user())
    for suffix in ("", "change/", "invite/", "workers/add/", "requirements/add/"):
        assert client.get(url(contract, suffix)).status_code == 404, suffix


def test_a_subcontractor_sees_its_branch_and_never_a_siblings(client, signed_in, chain):
    users, parties = chain["users"], chain["parties"]
    contract = chain["contract"]
    on_a1 = worker_on(parties["a1"], users["a1"])
    on_b = worker_on(parties["b"], users["b"])
    # Surnames no generated person has: a sibling's worker is looked for by a name only that worker could show.
    for worker, surname in ((on_a1, "Branchworth"), (on_b, "Siblingham")):
        worker.operative.last_name = surname
        worker.operative.save(update_fields=["last_name"])
    signed_in(users["a"])
    page = client.get(url(contract)).text
    assert escape(on_a1.operative.last_name) in page and escape(on_b.operative.last_name) not in page
    assert escape(parties["b"].display_name) not in page
    # a sibling's company and worker, by their numbers: 404
    assert client.get(url(contract, f"companies/{parties['b'].pk}/remove/")).status_code == 404
    assert client.get(url(contract, f"workers/{on_b.pk}/remove/")).status_code == 404
    # its own subcontractor's worker is seen but managed by that subcontractor only
    assert client.get(url(contract, f"workers/{on_a1.pk}/remove/")).status_code == 404
    # the main contractor sees both branches
    client.logout()
    signed_in(users["main"])
    page = client.get(url(contract)).text
    assert escape(on_a1.operative.last_name) in page and escape(on_b.operative.last_name) in page


def test_a_higher_tier_never_sees_personal_details_of_another_company_staff(client, signed_in, chain):
    worker = worker_on(chain["parties"]["a1"], chain["users"]["a1"])
    operative = worker.operative
    for who in ("client", "main", "a"):
        client.logout()
        signed_in(chain["users"][who])
        page = client.get(url(chain["contract"])).text
        assert escape(operative.last_name) in page
        assert operative.ni_number not in page
        for shown in (operative.date_of_birth.strftime(f) for f in ("%d/%m/%Y", "%-d %b %Y", "%Y-%m-%d")):
            assert shown not in page


def test_view_contract_details_flag_shows_the_workforce(client, signed_in, chain):
    worker = worker_on(chain["parties"]["a"], chain["users"]["a"])
    manager = check_user(chain["users"]["a"].organisation, flags=(Flag.MANAGE_CONTRACT_WORKERS,))
    signed_in(manager)
    page = client.get(url(chain["contract"])).text
    assert "Add a worker" in page and escape(worker.operative.last_name) not in page and "Compliance" not in page


def test_add_and_take_off_a_worker(client, signed_in, chain):
    user, party = chain["users"]["a"], chain["parties"]["a"]
    contract = chain["contract"]
    own = EmploymentFactory(organisation=party.organisation)
    elsewhere = EmploymentFactory(organisation=chain["users"]["b"].organisation)
    signed_in(user)
    page = client.get(url(contract, "workers/add/")).text
    # Names as the page escapes them (O'Sullivan is O&#x27;Sullivan in HTML).
    assert escape(own.operative.sort_name) in page and escape(elsewhere.operative.sort_name) not in page
    data = {"employment": own.pk, "role": "apprentice", "on_from": TODAY.isoformat()}
    response = client.post(url(contract, "workers/add/"), data)
    assert "Confirm that the employee has given their permission." in response.text
    response = client.post(url(contract, "workers/add/"), {**data, "employment": elsewhere.pk, "consent": "on"})
    assert response.status_code == 200 and not ContractWorker.objects.exists()
    response = client.post(url(contract, "workers/add/"), {**data, "consent": "on"})
    assert response.status_code == 302
    worker = ContractWorker.objects.get()
    assert worker.role == "apprentice" and worker.consent_confirmed_by == user.user
    response = client.post(url(contract, f"workers/{worker.pk}/remove/"), {"off_from": TODAY.isoformat()})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.removed_at is not None
    assert "taken off" in client.get(url(contract)).text


def test_the_client_cannot_add_workers_and_a_company_cannot_change_the_contract(client, signed_in, chain):
    signed_in(chain["users"]["client"])
    assert client.get(url(chain["contract"], "workers/add/")).status_code == 404
    client.logout()
    signed_in(chain["users"]["main"])
    assert client.get(url(chain["contract"], "change/")).status_code == 404
    assert client.post(url(chain["contract"], "start/")).status_code == 404


def test_subcontractor_invites_below_itself(client, signed_in, chain):
    deeper = check_user()
    signed_in(chain["users"]["a1"])
    response = client.post(url(chain["contract"], "invite/"), {"company": deeper.organisation.name})
    assert response.status_code == 302
    party = ContractParty.objects.get(organisation=deeper.organisation)
    assert party.parent == chain["parties"]["a1"] and party.tier == 4


def test_add_subcontractors_flag_is_needed_to_invite(client, signed_in, chain):
    viewer = check_user(chain["users"]["a"].organisation, flags=(Flag.VIEW_CONTRACTS,))
    signed_in(viewer)
    assert client.get(url(chain["contract"], "invite/")).status_code == 403


def test_start_the_contract(client, signed_in, chain):
    signed_in(chain["users"]["client"])
    response = client.post(url(chain["contract"], "start/"))
    assert response.status_code == 302
    chain["contract"].refresh_from_db()
    assert chain["contract"].status == Contract.Status.IN_PROGRESS


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_list_queries_are_constant(client, signed_in, django_assert_max_num_queries):
    owner = check_user()
    signed_in(owner)
    contract_for(owner)
    few = _count(client, "/portal/contracts/being-set-up/")
    for n in range(6):
        contract = contract_for(owner, name=f"Contract {n}")
        accepted_party(contract, owner, check_user())
    with django_assert_max_num_queries(few):
        client.get("/portal/contracts/being-set-up/")


def test_contract_page_queries_are_constant(client, signed_in, chain, django_assert_max_num_queries):
    users, parties = chain["users"], chain["parties"]
    services.contract_requirement_add(
        contract=chain["contract"],
        actor=users["client"].user,
        description="Electrical installation",
        apprentice_ratio=4,
    )
    worker_on(parties["a"], users["a"])
    signed_in(users["client"])
    few = _count(client, url(chain["contract"]))
    for key in ("main", "a", "b", "a1"):
        for _ in range(3):
            worker_on(parties[key], users[key], role=ContractWorker.Role.APPRENTICE)
    accepted_party(chain["contract"], users["b"], check_user(), parent=parties["b"])
    with django_assert_max_num_queries(few):
        client.get(url(chain["contract"]))


def test_a_company_invited_by_email_answers_once_licensed(client, signed_in):
    owner = check_user()
    contract = contract_for(owner)
    party = services.party_invite(
        contract=contract, invited_by=owner.user, invited_email="Office@NewCo.example", invited_name="NewCo"
    )
    signed_in(check_user())  # another company: neither listed nor answerable
    assert contract.name not in client.get("/portal/contracts/invitations/").text
    assert client.post(f"/portal/contracts/invitations/{party.pk}/answer/", {"answer": "accept"}).status_code == 404
    client.logout()
    newco = check_user(OrganisationFactory(name="NewCo Ltd", email="office@newco.example"))
    signed_in(newco)
    assert contract.name in client.get("/portal/contracts/invitations/").text
    response = client.post(f"/portal/contracts/invitations/{party.pk}/answer/", {"answer": "accept"})
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.organisation == newco.organisation and party.status == ContractParty.Status.ACCEPTED


def test_the_client_cancels_a_contract_after_confirming(client, signed_in, chain):
    contract = chain["contract"]
    signed_in(chain["users"]["main"])
    assert client.get(url(contract, "cancel/")).status_code == 404
    client.logout()
    signed_in(chain["users"]["client"])
    page = client.get(url(contract, "cancel/")).text
    assert "Cancel Library refurbishment?" in page
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SETTING_UP
    assert client.post(url(contract, "cancel/")).status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    assert contract.name in client.get("/portal/contracts/completed/").text
    assert client.get(url(contract, "cancel/")).status_code == 404


def test_requirements_added_with_clear_errors_and_removed(client, signed_in, chain):
    from portal.registry.models import Grade, Occupation

    contract = chain["contract"]
    approved = Grade.objects.get(name="Approved Electrician", occupation__name="Installation Electrician")
    other = Occupation.objects.get(name="Maintenance Electrician")
    signed_in(chain["users"]["client"])
    response = client.post(
        url(contract, "requirements/add/"),
        {"description": "Electrical installation", "occupation": other.pk, "minimum_grade": approved.pk,
         "apprentice_ratio": "1"},
    )  # fmt: skip
    assert "Apprentices allowed: 1 in must be 2 or more" in response.text
    response = client.post(
        url(contract, "requirements/add/"),
        {"description": "Electrical installation", "occupation": other.pk, "minimum_grade": approved.pk,
         "apprentice_ratio": "4"},
    )  # fmt: skip
    assert "Approved Electrician is not a grade of Maintenance Electrician." in response.text
    response = client.post(
        url(contract, "requirements/add/"),
        {"description": "Electrical installation", "minimum_grade": approved.pk, "apprentice_ratio": "4"},
    )
    assert response.status_code == 302
    requirement = contract.requirements.get()
    assert requirement.occupation == approved.occupation and requirement.apprentice_ratio == 4
    page = client.get(url(contract)).text
    assert "Approved Electrician or above" in page and "Apprentices up to 1 in 4" in page
    assert client.post(url(contract, f"requirements/{requirement.pk}/remove/")).status_code == 302
    assert not contract.requirements.exists()


def test_the_client_changes_the_details(client, signed_in, chain):
    contract = chain["contract"]
    signed_in(chain["users"]["client"])
    page = client.get(url(contract, "change/")).text
    assert f'value="{contract.starts_on.isoformat()}"' in page  # the date field shows its date
    data = {
        "name": "Library refurbishment, phase 2",
        "site_address": contract.site_address,
        "site_postcode": "BT1 1AA",
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
    }
    assert client.post(url(contract, "change/"), data).status_code == 302
    contract.refresh_from_db()
    assert contract.name == "Library refurbishment, phase 2"
    assert contract.events.filter(kind="changed").exists()


def test_the_employer_details_show_the_kind_of_organisation(client, signed_in):
    from portal.licensing.models import Licence, OrganisationKind

    user = check_user(flags=(Flag.EDIT_EMPLOYER_DETAILS,))
    Licence.objects.filter(organisation=user.organisation).update(organisation_kind=OrganisationKind.NHS_TRUST)
    signed_in(user)
    page = client.get("/portal/organisation/details/").text
    assert "Kind of organisation" in page and "NHS trust or similar" in page
    assert "ECS Check - Client and Supply Chain" in page


def test_the_supply_chain_shows_each_company_kind(client, signed_in, chain):
    from portal.licensing.models import Licence, OrganisationKind

    Licence.objects.filter(organisation=chain["users"]["main"].organisation).update(
        organisation_kind=OrganisationKind.CONTRACTOR
    )
    Licence.objects.filter(organisation=chain["users"]["b"].organisation).update(
        organisation_kind=OrganisationKind.OTHER
    )
    signed_in(chain["users"]["client"])
    page = client.get(url(chain["contract"])).text
    assert "Contractor" in page and ">Other<" not in page  # tier 2 is on the main contractor's branch page
    page = client.get(url(chain["contract"], f"companies/{chain['parties']['main'].pk}/")).text
    assert "Contractor" in page and ">Other<" in page


def test_invitations_page_queries_are_constant(client, signed_in, django_assert_max_num_queries):
    company = check_user()
    owner = check_user()
    services.party_invite(contract=contract_for(owner), invited_by=owner.user, organisation=company.organisation)
    signed_in(company)
    few = _count(client, "/portal/contracts/invitations/")
    for n in range(5):
        other = check_user()
        contract = contract_for(other, name=f"Contract {n}")
        tier1 = accepted_party(contract, other, check_user())
        services.party_invite(
            contract=contract, invited_by=tier1.invited_by, parent=tier1, organisation=company.organisation
        )
    with django_assert_max_num_queries(few):
        page = client.get("/portal/contracts/invitations/").text
    assert page.count("Accept<span") == 6


def test_the_workforce_as_at_an_earlier_day(client, signed_in, chain):
    from datetime import timedelta

    user, party, contract = chain["users"]["a"], chain["parties"]["a"], chain["contract"]
    worker = worker_on(party, user, expires_on=TODAY + timedelta(days=200))
    services.contract_worker_remove(worker=worker, removed_by=user.user, off_from=TODAY)
    signed_in(chain["users"]["client"])
    name = worker.operative.sort_name
    assert name not in client.get(url(contract)).text.split('id="workers"')[1].split("History")[0]
    earlier = (TODAY - timedelta(days=1)).isoformat()
    page = client.get(url(contract), {"as_at": earlier}).text
    assert name in page and "as at" in page
    assert "1 of 1" in page  # the summary as at that day
    page = client.get(url(contract), {"as_at": "not a date"}).text
    assert "as a real date" in page
