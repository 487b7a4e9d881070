from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import override_settings

from portal.contracts import selectors, services
from portal.contracts.models import Contract, ContractEvent, ContractParty, ContractWorker
from portal.registry.models import CardStatus
from tests.contracts.factories import accepted_party, check_user, contract_for, three_tier_chain, worker_on
from tests.factories_registry import CardFactory, EmploymentFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_create_refuses_an_end_before_the_start():
    client = check_user()
    with pytest.raises(services.ContractError) as refused:
        contract_for(client, starts_on=TODAY, ends_on=TODAY - timedelta(days=1))
    assert refused.value.field == "ends_on"
    assert not Contract.objects.exists()


def test_supply_chain_of_depth_three_has_prefix_paths():
    chain = three_tier_chain()
    parties = chain["parties"]
    assert [parties[k].tier for k in ("main", "a", "b", "a1")] == [1, 2, 2, 3]
    assert parties["a1"].path.startswith(parties["a"].path)
    assert parties["a"].path.startswith(parties["main"].path)
    assert not parties["b"].path.startswith(parties["a"].path)
    deeper = check_user()
    tier4 = accepted_party(chain["contract"], chain["users"]["a1"], deeper, parent=parties["a1"])
    assert tier4.tier == 4 and tier4.is_within(parties["main"])


def test_invitation_declined_and_not_answerable_twice():
    client, company = check_user(), check_user()
    contract = contract_for(client)
    party = services.party_invite(contract=contract, invited_by=client.user, organisation=company.organisation)
    services.party_respond(party=party, accept=False, responded_by=company.user)
    party.refresh_from_db()
    assert party.status == ContractParty.Status.DECLINED
    with pytest.raises(services.ContractError):
        services.party_respond(party=party, accept=True, responded_by=company.user)
    assert contract.events.filter(kind=ContractEvent.Kind.DECLINED).count() == 1


def test_invitation_expires_and_is_reminded_before():
    client, company = check_user(), check_user()
    contract = contract_for(client)
    party = services.party_invite(contract=contract, invited_by=client.user, organisation=company.organisation)
    assert services.parties_remind(today=TODAY + timedelta(days=1)) == 0
    assert services.parties_remind(today=TODAY + timedelta(days=3)) == 1
    assert services.parties_remind(today=TODAY + timedelta(days=3)) == 0  # once a step
    assert services.parties_expire(today=TODAY + timedelta(days=14)) == 0
    assert services.parties_expire(today=TODAY + timedelta(days=15)) == 1
    party.refresh_from_db()
    assert party.status == ContractParty.Status.EXPIRED
    with pytest.raises(services.ContractError):
        services.party_respond(party=party, accept=True, responded_by=company.user)


def test_an_organisation_is_in_a_chain_once():
    client, company = check_user(), check_user()
    contract = contract_for(client)
    services.party_invite(contract=contract, invited_by=client.user, organisation=company.organisation)
    with pytest.raises(services.ContractError) as refused:
        services.party_invite(contract=contract, invited_by=client.user, organisation=company.organisation)
    assert refused.value.field == "company"


def test_only_an_accepted_party_invites_subcontractors():
    client, main, sub = check_user(), check_user(), check_user()
    contract = contract_for(client)
    party = services.party_invite(contract=contract, invited_by=client.user, organisation=main.organisation)
    with pytest.raises(services.ContractError):
        services.party_invite(contract=contract, invited_by=main.user, parent=party, organisation=sub.organisation)


@override_settings(ECS_RUN_JOBS_INLINE=True)
def test_unlicensed_company_invited_by_email_to_apply_for_a_licence(django_capture_on_commit_callbacks):
    client = check_user()
    contract = contract_for(client)
    with django_capture_on_commit_callbacks(execute=True):
        party = services.party_invite(
            contract=contract,
            invited_by=client.user,
            invited_email="Office@NewSparks.example",
            invited_name="New Sparks",
        )
    assert party.organisation is None and party.display_name == "New Sparks"
    sent = [m for m in mail.outbox if m.to == ["office@newsparks.example"]]
    assert len(sent) == 1
    assert "apply for a licence" in sent[0].body and "/apply/" in sent[0].body


@override_settings(ECS_RUN_JOBS_INLINE=True)
def test_licensed_company_users_who_may_answer_are_emailed(django_capture_on_commit_callbacks):
    client, company = check_user(), check_user()
    contract = contract_for(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.party_invite(contract=contract, invited_by=client.user, organisation=company.organisation)
    assert [m.to for m in mail.outbox] == [[company.user.email]]
    assert "Library refurbishment" in mail.outbox[0].subject


def test_worker_must_be_own_current_employee_with_consent():
    chain = three_tier_chain()
    party, user = chain["parties"]["a"], chain["users"]["a"]
    someone_elses = EmploymentFactory(organisation=chain["users"]["b"].organisation)
    with pytest.raises(services.ContractError) as refused:
        services.contract_worker_add(
            party=party, employment=someone_elses, added_by=user.user, on_from=TODAY, consent=True
        )
    assert refused.value.field == "employment"
    own = EmploymentFactory(organisation=party.organisation)
    with pytest.raises(services.ContractError) as refused:
        services.contract_worker_add(party=party, employment=own, added_by=user.user, on_from=TODAY, consent=False)
    assert refused.value.field == "consent"
    worker = services.contract_worker_add(party=party, employment=own, added_by=user.user, on_from=TODAY, consent=True)
    assert worker.consent_confirmed_by == user.user and worker.consent_confirmed_at is not None


def test_removed_worker_keeps_history():
    chain = three_tier_chain()
    party, user = chain["parties"]["a"], chain["users"]["a"]
    worker = worker_on(party, user)
    services.contract_worker_remove(worker=worker, removed_by=user.user, off_from=TODAY)
    worker.refresh_from_db()
    assert worker.removed_at is not None and worker.off_from == TODAY
    assert ContractWorker.objects.filter(pk=worker.pk).exists()
    contract = chain["contract"]
    assert selectors.contract_workers_with_status(contract, viewer_party=None) == []
    yesterday = selectors.contract_workers_with_status(contract, viewer_party=None, as_at=TODAY - timedelta(days=1))
    assert [row.worker_id for row in yesterday] == [worker.pk]
    assert contract.events.filter(kind=ContractEvent.Kind.WORKER_REMOVED, worker=worker).exists()
    # and can be put back on later
    worker_again = services.contract_worker_add(
        party=party, employment=worker.employment, added_by=user.user, on_from=TODAY, consent=True
    )
    assert worker_again.pk != worker.pk


def test_status_changes_when_a_card_expires():
    chain = three_tier_chain()
    worker = worker_on(chain["parties"]["a"], chain["users"]["a"], expires_on=TODAY + timedelta(days=40))
    contract = chain["contract"]

    def status_on(day):
        (row,) = selectors.contract_workers_with_status(contract, viewer_party=None, as_at=day)
        return row.status

    assert status_on(TODAY) == CardStatus.VALID
    assert status_on(TODAY + timedelta(days=10)) == CardStatus.EXPIRING
    assert status_on(TODAY + timedelta(days=41)) == CardStatus.EXPIRED
    CardFactory(operative=worker.operative, expires_on=TODAY + timedelta(days=1000))  # renewed
    assert status_on(TODAY + timedelta(days=41)) == CardStatus.VALID


def test_every_status_and_the_summary():
    chain = three_tier_chain()
    party, user = chain["parties"]["a"], chain["users"]["a"]
    worker_on(party, user)  # valid
    worker_on(party, user, expires_on=TODAY + timedelta(days=5))  # expiring
    worker_on(party, user, expires_on=TODAY - timedelta(days=5))  # expired
    from django.utils import timezone

    worker_on(party, user, cancelled_at=timezone.now())  # cancelled
    worker_on(party, user, card=False, hse=False, role=ContractWorker.Role.APPRENTICE)  # none
    rows = selectors.contract_workers_with_status(chain["contract"], viewer_party=None)
    assert sorted(row.status for row in rows) == sorted(["valid", "expiring", "expired", "cancelled", "none"])
    summary = selectors.compliance_summary(chain["contract"])
    assert summary.total == 5 and summary.with_valid_card == 2 and summary.share_valid == 40
    assert summary.needing_attention == 4 and summary.apprentices == 1 and summary.hse_missing == 1
    assert summary.by_tier == [(2, 5, 2)]


def test_a_party_sees_its_own_branch_only():
    chain = three_tier_chain()
    users, parties = chain["users"], chain["parties"]
    on_a1 = worker_on(parties["a1"], users["a1"])
    on_b = worker_on(parties["b"], users["b"])
    contract = chain["contract"]

    def seen(party):
        return {row.worker_id for row in selectors.contract_workers_with_status(contract, viewer_party=party)}

    assert seen(None) == {on_a1.pk, on_b.pk}
    assert seen(parties["main"]) == {on_a1.pk, on_b.pk}
    assert seen(parties["a"]) == {on_a1.pk}
    assert seen(parties["b"]) == {on_b.pk}
    assert seen(parties["a1"]) == {on_a1.pk}


def test_rows_carry_no_personal_details():
    chain = three_tier_chain()
    worker = worker_on(chain["parties"]["a"], chain["users"]["a"])
    (row,) = selectors.contract_workers_with_status(chain["contract"], viewer_party=None)
    values = {str(value) for value in vars(row).values()}
    assert worker.operative.ni_number not in values
    assert str(worker.operative.date_of_birth) not in values
    assert not {"ni_number", "date_of_birth", "email", "mobile", "telephone"} & set(vars(row))


def test_live_and_completion():
    chain = three_tier_chain()
    contract = chain["contract"]
    services.contract_go_live(contract=contract, actor=chain["users"]["client"].user)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_PROGRESS
    assert services.contracts_complete_ended(today=contract.ends_on) == 0
    assert services.contracts_complete_ended(today=contract.ends_on + timedelta(days=1)) == 1
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert services.contracts_complete_ended(today=contract.ends_on + timedelta(days=2)) == 0


def test_go_live_needs_an_accepted_company_and_starts_on_its_date():
    client, company = check_user(), check_user()
    contract = contract_for(client, starts_on=TODAY + timedelta(days=2))
    with pytest.raises(services.ContractError):
        services.contract_go_live(contract=contract, actor=client.user)
    accepted_party(contract, client, company)
    assert services.contracts_start_due(today=TODAY) == 0
    assert services.contracts_start_due(today=TODAY + timedelta(days=2)) == 1
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_PROGRESS


def test_removing_a_party_removes_its_branch_and_takes_its_workers_off():
    chain = three_tier_chain()
    worker = worker_on(chain["parties"]["a1"], chain["users"]["a1"])
    services.party_remove(party=chain["parties"]["a"], actor=chain["users"]["main"].user)
    statuses = dict(ContractParty.objects.values_list("pk", "status"))
    assert statuses[chain["parties"]["a"].pk] == statuses[chain["parties"]["a1"].pk] == "removed"
    assert statuses[chain["parties"]["b"].pk] == "accepted"
    worker.refresh_from_db()
    assert worker.removed_at is not None


def test_minimum_grade_or_above_and_apprentices_against_the_ratio():
    from portal.registry.models import Grade

    approved = Grade.objects.get(name="Approved Electrician", occupation__name="Installation Electrician")
    electrician = Grade.objects.get(name="Electrician", occupation__name="Installation Electrician")
    technician = Grade.objects.get(name="Technician", occupation__name="Installation Electrician")
    chain = three_tier_chain()
    contract, party, user = chain["contract"], chain["parties"]["a"], chain["users"]["a"]
    services.contract_requirement_add(
        contract=contract,
        actor=chain["users"]["client"].user,
        description="Electrical installation",
        minimum_grade=approved,
        apprentice_ratio=2,
    )
    card_type = approved.occupation.card_type
    for grade in (approved, technician, electrician):
        worker_on(party, user, card_type=card_type, occupation=grade.occupation, grade=grade)
    worker_on(party, user, role=ContractWorker.Role.APPRENTICE)
    rows = {row.grade: row for row in selectors.contract_workers_with_status(contract, viewer_party=None)}
    assert rows["Approved Electrician"].meets_requirements is True
    assert rows["Technician"].meets_requirements is True
    assert rows["Electrician"].meets_requirements is False and rows["Electrician"].needs_attention
    assert rows[""].meets_requirements is None  # the apprentice
    summary = selectors.compliance_summary(contract)
    assert summary.below_requirements == 1
    ((requirement, allowed, within),) = summary.requirements
    assert allowed == 2 and within  # 4 workers, 1 in 2: two apprentices allowed
    for _ in range(3):
        worker_on(party, user, role=ContractWorker.Role.APPRENTICE)
    ((requirement, allowed, within),) = selectors.compliance_summary(contract).requirements
    assert allowed == 3 and not within  # 7 workers allow 3 apprentices; 4 are on the contract


@override_settings(ECS_RUN_JOBS_INLINE=True)
def test_a_reminder_email_and_none_once_answered(django_capture_on_commit_callbacks):
    client, company = check_user(), check_user()
    contract = contract_for(client)
    party = services.party_invite(contract=contract, invited_by=client.user, organisation=company.organisation)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.parties_remind(today=TODAY + timedelta(days=3)) == 1
    assert [m.subject.startswith("Reminder:") for m in mail.outbox] == [True]
    services.party_respond(party=party, accept=True, responded_by=company.user)
    assert services.contract_email_send(ref=f"{party.pk}:reminder") == 0  # answered meanwhile: nothing sent


def test_a_worker_cannot_start_after_the_contract_ends_and_companies_read_the_contracts_own_history():
    chain = three_tier_chain()
    party, user, contract = chain["parties"]["b"], chain["users"]["b"], chain["contract"]
    employment = EmploymentFactory(organisation=party.organisation)
    with pytest.raises(services.ContractError) as refused:
        services.contract_worker_add(
            party=party,
            employment=employment,
            added_by=user.user,
            on_from=contract.ends_on + timedelta(days=1),
            consent=True,
        )
    assert refused.value.field == "on_from"
    worker_on(chain["parties"]["a"], chain["users"]["a"])
    seen = [event.what for event in selectors.contract_events(contract, party)]
    assert any("created" in what for what in seen)
    assert not any("(operative) added" in what for what in seen)  # a sibling's worker
    assert any("(operative) added" in e.what for e in selectors.contract_events(contract, chain["parties"]["main"]))
