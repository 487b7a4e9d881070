"""Reads for orders: card application prices in integer pence, with the JIB member discount and VAT shown."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from portal.orders.models import CardPrice, FundsLedgerEntry, Order, OrderLine, Payment


@dataclass(frozen=True)
class Price:
    gross_pence: int
    vat_pence: int
    discount_pence: int

    @property
    def net_pence(self) -> int:
        return self.gross_pence - self.vat_pence


def vat_included(gross_pence: int, rate_basis_points: int) -> int:
    """The VAT inside a VAT-inclusive amount, rounded half up to the penny."""
    return (gross_pence * rate_basis_points * 2 + (10_000 + rate_basis_points)) // (2 * (10_000 + rate_basis_points))


def card_application_price(*, card_type, application_type: str, jib_member: bool) -> Price:
    price = CardPrice.objects.get(card_type=card_type, application_type=application_type)
    discount = price.member_discount_pence if jib_member else 0
    gross = price.price_pence - discount
    return Price(gross_pence=gross, vat_pence=vat_included(gross, price.vat_rate_basis_points), discount_pence=discount)


# --- Orders ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    total_pence: int
    vat_pence: int
    discount_pence: int

    @property
    def net_pence(self) -> int:
        return self.total_pence - self.vat_pence


def order_totals(*, order: Order) -> Totals:
    sums = order.lines.filter(live=True).aggregate(
        total=Coalesce(Sum("total_pence"), Value(0)),
        vat=Coalesce(Sum("vat_pence"), Value(0)),
        discount=Coalesce(Sum(F("discount_pence") * F("quantity")), Value(0)),
    )
    return Totals(total_pence=sums["total"], vat_pence=sums["vat"], discount_pence=sums["discount"])


def with_totals(orders: QuerySet) -> QuerySet:
    """Orders with `total_pence`, `vat_pence` and `line_count` of their live lines, in the same query."""
    live = Q(lines__live=True)
    return orders.annotate(
        total_pence=Coalesce(Sum("lines__total_pence", filter=live), Value(0)),
        vat_pence=Coalesce(Sum("lines__vat_pence", filter=live), Value(0)),
        line_count=Count("lines", filter=live),
    )


def orders_in_scope(portal_user) -> QuerySet:
    from portal.organisations.access import scope

    return scope(Order.objects.all(), portal_user, flag=None)


def orders_requiring_attention(portal_user) -> QuerySet:
    return with_totals(
        orders_in_scope(portal_user)
        .filter(status__in=[Order.Status.OPEN, Order.Status.AWAITING_PAYMENT, Order.Status.AWAITING_BACS])
        .select_related("office", "created_by")
    ).order_by("-created_at", "-pk")


def orders_being_fulfilled(portal_user) -> QuerySet:
    return with_totals(
        orders_in_scope(portal_user).filter(status=Order.Status.PAID).select_related("office", "payment")
    ).order_by("-paid_at", "-pk")


def open_card_orders(portal_user) -> QuerySet:
    return (
        with_totals(orders_in_scope(portal_user).filter(status=Order.Status.OPEN, kind=Order.Kind.CARD_APPLICATIONS))
        .select_related("office")
        .order_by("-created_at", "-pk")
    )


def order_lines(order: Order) -> QuerySet:
    return order.lines.filter(live=True).select_related(
        "application__operative", "application__card_type", "application__office"
    )


def payments_in_scope(portal_user) -> QuerySet:
    return Payment.objects.filter(
        order__organisation=portal_user.organisation, order__office__path__startswith=portal_user.office.path
    ).select_related("order")


def funds_movements(organisation) -> QuerySet:
    return FundsLedgerEntry.objects.filter(account__organisation=organisation).select_related("recorded_by")


def order_detail_queryset() -> QuerySet:
    return Order.objects.select_related("office", "billing_office", "deliver_to", "created_by").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.filter(live=True))
    )
