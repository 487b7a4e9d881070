"""The portal home's counts, each taken from the selector of the page it links to (no rule written twice)."""

from dataclasses import dataclass

from portal.applications.selectors import applications_attention_counts
from portal.employees.selectors import employee_counts
from portal.licensing.models import LicencePart
from portal.orders.selectors import funds_balance, orders_requiring_attention
from portal.organisations.access import licence_of
from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag


@dataclass(frozen=True)
class ApplicationCounts:
    on_hold: int
    awaiting_endorsement: int
    finalised: int


@dataclass(frozen=True)
class OrderCounts:
    requiring_attention: int
    funds_pence: int


@dataclass(frozen=True)
class Dashboard:
    employees: dict[str, int] | None
    applications: ApplicationCounts | None
    orders: OrderCounts | None


def dashboard(portal_user: PortalUser) -> Dashboard:
    """What needs the user's attention, only in the sections their licence and flags open (at most six queries,
    each read from an index whatever the organisation's size)."""
    licence = licence_of(portal_user)
    employer_portal = licence is not None and licence.covers(LicencePart.EMPLOYER_PORTAL)
    employees = employee_counts(portal_user) if employer_portal and portal_user.has_flag(Flag.VIEW_EMPLOYEES) else None
    applications = None
    if employer_portal and portal_user.has_flag(Flag.VIEW_APPLICATIONS):
        counts = applications_attention_counts(portal_user)
        applications = ApplicationCounts(
            on_hold=counts["on_hold"],
            awaiting_endorsement=counts["awaiting_endorsement"],
            finalised=counts["finalised"],
        )
    orders = None
    if portal_user.has_flag(Flag.VIEW_PURCHASES):
        orders = OrderCounts(
            requiring_attention=orders_requiring_attention(portal_user, totals=False).count(),
            funds_pence=funds_balance(organisation=portal_user.organisation),
        )
    return Dashboard(employees=employees, applications=applications, orders=orders)


def background_jobs_waiting() -> bool:
    """Whether any job waits in the outbox (one probe of its index of waiting jobs): the relay's idle look, cheaper
    than claiming a batch."""
    from portal.core.models import BackgroundJob

    return BackgroundJob.objects.filter(handed_at__isnull=True).exists()
