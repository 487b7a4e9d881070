"""Contracts for the site-check tests, written straight to the models (the supply chain as the set-up leaves it:
parties accepted, workers on)."""

from datetime import date, timedelta

from portal.contracts.models import Contract, ContractParty, ContractWorker, path_segment
from portal.organisations.permissions import Flag
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory, HseResultFactory, OperativeFactory

CHECK_FLAGS = {Flag.CREATE_CONTRACTS, Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS, Flag.VIEW_CONTRACTS}


def check_user(organisation=None, flags=CHECK_FLAGS, **kwargs):
    return PortalUserFactory(organisation=organisation or OrganisationFactory(), flags=flags, **kwargs)


def make_contract(client_user, **overrides) -> Contract:
    today = date.today()
    details = {
        "name": "Library refurbishment",
        "client_reference": "LIB-2026-01",
        "site_address": "1 High Street, Belfast",
        "site_postcode": "BT1 1AA",
        "starts_on": today - timedelta(days=60),
        "ends_on": today + timedelta(days=180),
        "status": Contract.Status.IN_PROGRESS,
    }
    details.update(overrides)
    return Contract.objects.create(client=client_user.organisation, created_by=client_user.user, **details)


def make_party(contract, member_user, *, parent=None, status=ContractParty.Status.ACCEPTED, role="Electrical"):
    party = ContractParty.objects.create(
        contract=contract,
        organisation=member_user.organisation,
        parent=parent,
        role=role,
        status=status,
        invited_by=member_user.user,
        tier=(parent.tier + 1) if parent else 1,
        path="",
    )
    party.path = (parent.path if parent else "") + path_segment(party.pk)
    party.save(update_fields=["path"])
    return party


def make_worker(party, *, card=True, role=ContractWorker.Role.OPERATIVE, operative=None, on_from=None, **card_kwargs):
    operative = operative or OperativeFactory()
    employment = EmploymentFactory(operative=operative, organisation=party.organisation)
    if card:
        CardFactory(operative=operative, **card_kwargs)
    HseResultFactory(operative=operative)
    return ContractWorker.objects.create(
        contract=party.contract,
        party=party,
        operative=operative,
        employment=employment,
        role=role,
        on_from=on_from or party.contract.starts_on,
        added_by=party.invited_by,
    )


def chain():
    """A client, a tier-1 main contractor, two tier-2 siblings (a, b) and a tier-3 below a, with their users."""
    users = {name: check_user() for name in ("client", "main", "a", "b", "a1")}
    contract = make_contract(users["client"])
    main = make_party(contract, users["main"])
    a = make_party(contract, users["a"], parent=main)
    b = make_party(contract, users["b"], parent=main)
    a1 = make_party(contract, users["a1"], parent=a)
    return {"contract": contract, "users": users, "parties": {"main": main, "a": a, "b": b, "a1": a1}}
