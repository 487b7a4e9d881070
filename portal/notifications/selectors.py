"""Reads for notifications: who is told about an event, what a user turned off, a user's own messages, and what
a weekly digest lists."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from portal.applications.models import CardApplication
from portal.applications.selectors import card_application_in_reach
from portal.employees.selectors import expiring_cards
from portal.notifications.models import OPTIONAL, Kind, Notification, NotificationOptOut
from portal.orders.models import Order
from portal.organisations.access import scope
from portal.organisations.models import Office, PortalUser
from portal.organisations.permissions import Flag

# How many cards a digest lists of each kind; the counts say how many there are in all.
DIGEST_ROWS = 20


def _holding_at_or_above(*, organisation_id: int, office: Office, flag: Flag) -> QuerySet:
    """Active portal users of the organisation holding `flag` at `office` or an office above it (one query: the
    offices above are the prefixes of the office's materialised path)."""
    parts = office.path.split(".")[:-1]
    paths = [".".join(parts[: n + 1]) + "." for n in range(len(parts))]
    return PortalUser.objects.filter(
        organisation_id=organisation_id,
        office__path__in=paths,
        removed_at__isnull=True,
        user__is_active=True,
        **{Flag(flag).value: True},
    ).select_related("user", "office")


def application_recipients(*, application: CardApplication, flag: Flag) -> list[PortalUser]:
    """The users who may act on (or see) `application` with `flag`: the portal's own scope rule, as for the
    employer's tasks (portal.applications.selectors.card_application_in_reach)."""
    candidates = _holding_at_or_above(organisation_id=application.organisation_id, office=application.office, flag=flag)
    return [
        pu for pu in candidates if card_application_in_reach(user=pu.user, application_id=application.pk, flag=flag)
    ]


def order_recipients(*, order: Order, flag: Flag = Flag.VIEW_PURCHASES) -> list[PortalUser]:
    """The users who may open `order` (and its receipt) with `flag`, through scope()."""
    candidates = _holding_at_or_above(organisation_id=order.organisation_id, office=order.office, flag=flag)
    return [pu for pu in candidates if _order_in_scope(order, pu, flag)]


def _order_in_scope(order: Order, portal_user: PortalUser, flag: Flag) -> bool:
    try:
        return scope(Order.objects.filter(pk=order.pk), portal_user, flag=flag).exists()
    except PermissionDenied:
        return False


def opted_out(*, user_ids: list[int], kind: str) -> set[int]:
    """Of `user_ids`, those who turned `kind` off (never an essential kind)."""
    if kind not in OPTIONAL:
        return set()
    return set(NotificationOptOut.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", flat=True))


def preferences_of(user) -> dict[str, bool]:
    """Each optional kind and whether the user receives it."""
    off = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return {kind: kind not in off for kind in OPTIONAL}


def notifications_of(user) -> QuerySet:
    """The user's own messages, newest first."""
    return Notification.objects.filter(recipient=user)


def digest_readers() -> QuerySet:
    """Active portal users who can view employees and did not turn the weekly digest off."""
    return (
        PortalUser.objects.filter(can_view_employees=True, removed_at__isnull=True, user__is_active=True)
        .exclude(user__notification_opt_outs__kind=Kind.EXPIRY_DIGEST)
        .select_related("user", "office", "organisation")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Digest:
    expiring: list  # newest cards expiring within three months (at most DIGEST_ROWS)
    expiring_count: int
    expired: list  # newest cards expired in the last month (at most DIGEST_ROWS)
    expired_count: int

    @property
    def is_empty(self) -> bool:
        return not (self.expiring_count or self.expired_count)


def expiry_digest(portal_user: PortalUser, *, today: date) -> Digest:
    """The cards in the user's office subtree expiring within three months and expired in the last month
    (through scope(); four queries whatever the numbers)."""
    expiring = expiring_cards(portal_user, expired=False, today=today)
    expired = expiring_cards(portal_user, expired=True, today=today).filter(
        card_expires_on__gte=today - relativedelta(months=1)
    )
    return Digest(
        expiring=_cards(expiring[:DIGEST_ROWS]),
        expiring_count=expiring.count(),
        expired=_cards(expired[:DIGEST_ROWS]),
        expired_count=expired.count(),
    )


def _cards(employments) -> list:
    """Each employment's current card with its holder (read with the employment: no query per card)."""
    cards = []
    for employment in employments:
        employment.card.operative = employment.operative
        cards.append(employment.card)
    return cards


@dataclass(frozen=True)
class Delivery:
    office: Office
    attention: str  # "for the attention of", or ""

    @property
    def lines(self) -> list[str]:
        """The address as lines: office, address, postcode."""
        address = [line.strip(" ,") for line in self.office.address.splitlines() if line.strip(" ,")]
        return [self.office.name, *address, *([self.office.postcode] if self.office.postcode else [])]


def card_delivery(*, application: CardApplication) -> Delivery | None:
    """Where the card is sent: the paid order's delivery office (else the office that raised it)."""
    line = (
        application.order_lines.filter(live=True)
        .select_related("order__deliver_to", "order__office")
        .order_by("-pk")
        .first()
    )
    if line is None:
        return None
    order = line.order
    return Delivery(office=order.deliver_to or order.office, attention=order.delivery_attention)


def organisation_recipients(*, organisation, flag: Flag = Flag.VIEW_PURCHASES) -> list[PortalUser]:
    """The users of the whole organisation holding `flag` at its head office (what concerns the organisation as a
    whole, such as its funds on account)."""
    office = organisation.head_office
    if office is None:
        return []
    return list(_holding_at_or_above(organisation_id=organisation.pk, office=office, flag=flag))
