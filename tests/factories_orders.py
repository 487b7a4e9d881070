"""Orders for tests: placed through the service, as the order pages place them."""

from portal.orders import services
from portal.orders.models import Order


def make_order(portal_user, applications, *, close=True) -> Order:
    office = portal_user.office
    return services.order_place_applications(
        actor=portal_user.user,
        organisation=portal_user.organisation,
        applications=applications,
        order=None,
        new_order={"your_reference": "PO-1", "office": office, "billing_office": office, "deliver_to": office,
                   "accounts_contact": "Mr Accounts"},
        close=close,
    )  # fmt: skip
