"""Who may manage the organisation's API keys: ECS Check on the licence, "Can View Contract Details" (a key reads
what that flag shows) and "Can Edit Employer Details" (the company's administration), at the head office (a key
reads for the whole organisation)."""

from django.core.exceptions import PermissionDenied

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
