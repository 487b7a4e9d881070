"""Contracts and supply chains for tests, built through the services (so each contract and invitation has its
set-up process, as in the portal)."""

from datetime import date, timedelta

from portal.contracts import services
from portal.contracts.models import Contract, ContractParty, ContractWorker
from portal.organisations.permissions import Flag
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory, HseResultFactory, OperativeFactory

CHECK_FLAGS = (Flag.CREATE_CONTRACTS, Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS, Flag.VIEW_CONTRACTS)


def check_user(organisation=None, flags=CHECK_FLAGS, **kwargs):
    """A portal user of `organisation` (a new one by default) holding the four ECS Check flags."""
    organisation = organisation or OrganisationFactory()
    return PortalUserFactory(organisation=organisation, flags=flags, **kwargs)


def contract_for(client_user, **overrides) -> Contract:
    today = date.today()
    details = {
        "name": "Library refurbishment",
        "client_reference": "LIB-2026-01",
        "site_address": "1 High Street, Belfast",
        "site_postcode": "BT1 1AA",
        "starts_on": today - timedelta(days=10),
        "ends_on": today + timedelta(days=180),
        "description": "Rewiring of the central library.",
    }
    details.update(overrides)
    return services.contract_create(client=client_user.organisation, created_by=client_user.user, **details)


def accepted_party(contract, inviter_user, member_user, parent=None, role="Electrical contractor") -> ContractParty:
    """`member_user`'s organisation invited (below `parent`) and accepted."""
    party = services.party_invite(
        contract=contract, invited_by=inviter_user.user, parent=parent, organisation=member_user.organisation, role=role
    )
    return services.party_respond(party=party, accept=True, responded_by=member_user.user)


def worker_on(party, member_user, *, card=True, role=ContractWorker.Role.OPERATIVE, hse=True, **card_kwargs):
    """A new employee of the party's organisation put on the contract, with a card (unless card=False)."""
    operative = OperativeFactory()
    employment = EmploymentFactory(operative=operative, organisation=party.organisation)
    if card:
        CardFactory(operative=operative, **card_kwargs)
    if hse:
        HseResultFactory(operative=operative)
    return services.contract_worker_add(
        party=party,
        employment=employment,
        added_by=member_user.user,
        on_from=party.contract.starts_on,
        role=role,
        consent=True,
    )


def three_tier_chain():
    """A client, a tier-1 main contractor, two tier-2 siblings (A and B) and a tier-3 below A."""
    client = check_user()
    main = check_user()
    sub_a = check_user()
    sub_b = check_user()
    sub_a1 = check_user()
    contract = contract_for(client)
    tier1 = accepted_party(contract, client, main)
    tier2a = accepted_party(contract, main, sub_a, parent=tier1)
    tier2b = accepted_party(contract, main, sub_b, parent=tier1)
    tier3 = accepted_party(contract, sub_a, sub_a1, parent=tier2a)
    return {
        "contract": contract,
        "users": {"client": client, "main": main, "a": sub_a, "b": sub_b, "a1": sub_a1},
        "parties": {"main": tier1, "a": tier2a, "b": tier2b, "a1": tier3},
    }
