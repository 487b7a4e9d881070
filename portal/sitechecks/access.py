"""Who may manage the organisation's API keys: ECS Check on the licence, "Can View Contract Details" (a key reads
what that flag shows) and "Can Edit Employer Details" (the company's administration), at the head office (a key
reads for the whole organisation)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from portal.contracts.access import contract_access
from portal.contracts.models import Contract, ContractParty
from portal.contracts.selectors import contracts_visible_to, viewer_party_of
from portal.licensing.models import LicencePart
from portal.organisations.access import require_flag, require_licence_part
from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag

API_KEY_FLAGS = (Flag.VIEW_CONTRACTS, Flag.EDIT_EMPLOYER_DETAILS)


def may_manage_api_keys(portal_user: PortalUser) -> bool:
    try:
        require_api_key_manager(portal_user)
    except PermissionDenied:
        return False
    return True


def require_api_key_manager(portal_user: PortalUser) -> None:
    require_licence_part(portal_user, LicencePart.ECS_CHECK)
    require_flag(portal_user, *API_KEY_FLAGS)
    if portal_user.office.parent_id is not None:
        raise PermissionDenied("API keys are managed by users at the head office.")


def contract_in_scope(*, organisation_id: int, contract_id) -> tuple[Contract, ContractParty | None]:
    """The contract and the organisation's place in it (None for its client), by the contracts' own scope rule
    (`contracts_visible_to`, `viewer_party_of`): 404 for a contract the organisation is not part of, as the pages.
    For the API, whose caller is an organisation's key rather than a portal user."""
    try:
        contract = contracts_visible_to(organisation_id).select_related("client").get(pk=contract_id)
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return contract, viewer_party_of(contract, organisation_id)


def contract_for(portal_user: PortalUser, contract_id, *, flag: Flag = Flag.VIEW_CONTRACTS):
    """A contract the portal user may see, with `flag` (403 without it or ECS Check on the licence; 404 outside
    the organisation's contracts): `portal.contracts.access.contract_access`, as (contract, viewer's party)."""
    view = contract_access(portal_user, pk=contract_id, flag=flag)
    return view.contract, view.party


def contracts_of(*, organisation_id: int) -> QuerySet:
    """Contracts the organisation is the client of or a company in (invitation accepted), by name."""
    return contracts_visible_to(organisation_id).select_related("client").order_by("name", "pk")
