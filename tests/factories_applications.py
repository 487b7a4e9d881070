"""Factories for card applications: started through the service, so each has its process."""

from portal.applications import services
from portal.applications.models import CardApplication
from portal.orders.models import ApplicationType
from portal.registry.models import CardType
from tests.factories_registry import EmploymentFactory


def start_application(
    *, portal_user, employment=None, card_type=None, application_type=ApplicationType.INITIAL, renews_card=None
) -> CardApplication:
    """A card application started by `portal_user` for `employment` (a new employee at their office if None)."""
    employment = employment or EmploymentFactory(organisation=portal_user.organisation, office=portal_user.office)
    card_type = card_type or CardType.objects.get(name="Craft or Related Disciplines")
    return services.card_application_start(
        actor=portal_user.user,
        employment=employment,
        card_type=card_type,
        application_type=application_type,
        renews_card=renews_card,
    )
