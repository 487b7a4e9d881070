"""Fetching a contract for a portal user, with every check in one call (as portal.organisations.access does for
offices): the licence's ECS Check part and the flag (403), then the contract among those the organisation may see
(404). The contract comes with the viewer's place in its chain (None for the client)."""

from dataclasses import dataclass

from django.http import Http404

from portal.contracts.models import Contract, ContractParty, ContractWorker
from portal.contracts.selectors import contracts_visible_to, invitations_for, viewer_party_of
from portal.licensing.models import LicencePart
from portal.organisations.access import AnyOf, require_flag, require_licence_part
from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag

ANY_CONTRACT_FLAG = AnyOf(
    Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS, Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS
)
ANSWER_INVITATIONS = AnyOf(Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS)


def require_check(portal_user: PortalUser, flag: "Flag | AnyOf") -> None:
    require_licence_part(portal_user, LicencePart.ECS_CHECK)
    require_flag(portal_user, flag)


@dataclass(frozen=True)
class ContractView:
    contract: Contract
    party: ContractParty | None  # the viewer's place in the chain; None for the client

    @property
    def is_client(self) -> bool:
        return self.party is None


def contract_access(portal_user: PortalUser, *, pk, flag: "Flag | AnyOf") -> ContractView:
    require_check(portal_user, flag)
    try:
        contract = contracts_visible_to(portal_user.organisation_id).select_related("client", "created_by").get(pk=pk)
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return ContractView(contract=contract, party=viewer_party_of(contract, portal_user.organisation_id))


def party_in_branch(view: ContractView, *, party_id) -> ContractParty:
    """A party of the contract in the viewer's branch (any for the client), else 404."""
    parties = ContractParty.objects.select_related("organisation__licence", "parent__organisation").filter(
        contract=view.contract
    )
    if view.party is not None:
        parties = parties.filter(path__startswith=view.party.path)
    try:
        return parties.get(pk=party_id)
    except (ContractParty.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_worker(view: ContractView, *, worker_id) -> ContractWorker:
    """A worker the viewer's own company put on the contract (only a company manages its own staff), else 404."""
    if view.party is None:
        raise Http404
    try:
        return ContractWorker.objects.select_related("operative", "party").get(
            pk=worker_id, contract=view.contract, party=view.party
        )
    except (ContractWorker.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def invitation_emails(portal_user: PortalUser) -> tuple[str, ...]:
    """The addresses an invitation sent by email to the user's company (before its licence) may have gone to."""
    return (portal_user.organisation.email, portal_user.user.email)


def invitation_access(portal_user: PortalUser, *, party_id) -> ContractParty:
    """An invitation waiting for the user's organisation, for its users who may answer; 404 for any other."""
    require_check(portal_user, ANSWER_INVITATIONS)
    waiting = invitations_for(portal_user.organisation_id, emails=invitation_emails(portal_user))
    try:
        return waiting.get(pk=party_id)
    except (ContractParty.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
