"""Who may manage the organisation's API keys: ECS Check on the licence, "Can View Contract Details" (a key reads
what that flag shows) and "Can Edit Employer Details" (the company's administration), at the head office (a key
reads for the whole organisation)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from portal.contracts.models import Contract, ContractParty
from portal.licensing.models import LicencePart
from portal.organisations.access import require_flag, require_licence_part
from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag

API_KEY_FLAGS = (Flag.VIEW_CONTRACTS, Flag.EDIT_EMPLOYER_DETAILS)


def require_api_key_manager(portal_user: PortalUser) -> None:
    require_licence_part(portal_user, LicencePart.ECS_CHECK)
    require_flag(portal_user, *API_KEY_FLAGS)
    if portal_user.office.parent_id is not None:
        raise PermissionDenied("API keys are managed by users at the head office.")


def contract_in_scope(*, organisation_id: int, contract_id) -> tuple[Contract, ContractParty | None]:
    """The contract and the organisation's place in it: (contract, None) for its client, (contract, party) for a
    company that accepted its invitation (it sees its own branch). 404 for any other organisation, as the pages."""
    contract = None
    if str(contract_id).isdigit():
        contract = Contract.objects.select_related("client").filter(pk=contract_id).first()
    if contract is None:
        raise Http404
    if contract.client_id == organisation_id:
        return contract, None
    party = ContractParty.objects.filter(
        contract=contract, organisation_id=organisation_id, status=ContractParty.Status.ACCEPTED
    ).first()
    if party is None:
        raise Http404
    return contract, party


def contract_for(portal_user: PortalUser, contract_id, *, flag: Flag = Flag.VIEW_CONTRACTS):
    """A contract the portal user's organisation is part of, for an action needing `flag`: 403 without ECS Check on
    the licence or the flag, 404 outside the organisation's contracts."""
    require_licence_part(portal_user, LicencePart.ECS_CHECK)
    require_flag(portal_user, flag)
    return contract_in_scope(organisation_id=portal_user.organisation_id, contract_id=contract_id)


def contracts_of(*, organisation_id: int) -> QuerySet:
    """Contracts the organisation is the client of or a company in (invitation accepted), open ones first."""
    return (
        Contract.objects.filter(
            Q(client_id=organisation_id)
            | Q(parties__organisation_id=organisation_id, parties__status=ContractParty.Status.ACCEPTED)
        )
        .distinct()
        .select_related("client")
        .order_by("name", "pk")
    )
