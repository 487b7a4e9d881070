"""Reads for orders: prices in integer pence (JIB member discount and VAT shown), totals, the funds on account,
the ways an order may be paid, and the lists."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from portal.applications.models import CardApplication
from portal.orders.models import (
    BACS_MINIMUM_PENCE,
    BankStatement,
    BankTransfer,
    CardPrice,
    FundsAccount,
    FundsLedgerEntry,
    Order,
    OrderLine,
    Payment,
)
from portal.organisations.access import scope
from portal.organisations.models import Organisation
from portal.organisations.permissions import Flag


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
    return scope(Order.objects.all(), portal_user, flag=None)


def orders_requiring_attention(portal_user, *, totals: bool = True) -> QuerySet:
    """Open orders and those awaiting payment, newest first; `totals=False` leaves out the sums of the lines (a
    count, or the keys of a page whose rows get them with `with_totals`)."""
    orders = (
        orders_in_scope(portal_user)
        .filter(status__in=[Order.Status.OPEN, Order.Status.AWAITING_PAYMENT, Order.Status.AWAITING_BACS])
        .select_related("office", "created_by")
        .order_by("-created_at", "-pk")
    )
    return with_totals(orders) if totals else orders


def orders_being_fulfilled(portal_user, *, totals: bool = True) -> QuerySet:
    """Paid orders, newest payment first (read in that order from the paid-orders index)."""
    orders = (
        orders_in_scope(portal_user)
        .filter(status=Order.Status.PAID)
        .select_related("office", "payment")
        .order_by("-paid_at", "-pk")
    )
    return with_totals(orders) if totals else orders


def orders_with_totals(orders: QuerySet, keys: list) -> QuerySet:
    """One page's orders (by key) with their totals: the rows of a list paginated keys first."""
    return with_totals(orders.filter(pk__in=keys)).order_by()


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
    return scope(
        Payment.objects.select_related("order"),
        portal_user,
        flag=None,
        office_field="order__office",
        organisation_field="order__organisation",
    )


def funds_movements(organisation) -> QuerySet:
    return FundsLedgerEntry.objects.filter(account__organisation=organisation).select_related("recorded_by")


def order_detail_queryset() -> QuerySet:
    return Order.objects.select_related("office", "billing_office", "deliver_to", "created_by").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.filter(live=True))
    )


def funds_balance(*, organisation) -> int:
    return FundsAccount.objects.filter(organisation=organisation).values_list("balance_pence", flat=True).first() or 0


# --- Ways to pay --------------------------------------------------------------------------------------------------

Method = Order.Method


@dataclass(frozen=True)
class PaymentMethodOption:
    method: Method
    label: str
    offered: bool
    reason: str = ""  # why it is not offered


def payment_methods_for(*, order: Order, portal_user) -> dict[Method, PaymentMethodOption]:
    """Card, funds held on account and BACS for this order and this user: each offered, or refused with the reason."""
    if not order.is_payable:
        reason = f"Order {order.your_reference} is {order.get_status_display().lower()}."
        return {method: PaymentMethodOption(method, method.label, False, reason) for method in Method}
    total = order_totals(order=order).total_pence
    balance = funds_balance(organisation=order.organisation)
    funds_label = f"{Method.FUNDS.label} (balance £{balance / 100:,.2f})"
    if order.kind == Order.Kind.ADVANCE:
        funds = PaymentMethodOption(
            Method.FUNDS, funds_label, False, "Credits cannot be bought with funds held on account."
        )
    elif not portal_user.has_flag(Flag.USE_FUNDS):
        funds = PaymentMethodOption(
            Method.FUNDS, funds_label, False, f"You need the “{Flag.USE_FUNDS.label}” permission."
        )
    else:
        funds = PaymentMethodOption(Method.FUNDS, funds_label, True)
    if order.status == Order.Status.AWAITING_BACS:
        bacs = PaymentMethodOption(
            Method.BACS, Method.BACS.label, False, "Already marked for BACS: pay by card instead if you prefer."
        )
    elif total < BACS_MINIMUM_PENCE:
        bacs = PaymentMethodOption(
            Method.BACS,
            Method.BACS.label,
            False,
            f"BACS bank transfer is available for orders of £{BACS_MINIMUM_PENCE / 100:,.2f} or more.",
        )
    else:
        bacs = PaymentMethodOption(Method.BACS, Method.BACS.label, True)
    card = PaymentMethodOption(Method.CARD, Method.CARD.label, True)
    return {Method.CARD: card, Method.FUNDS: funds, Method.BACS: bacs}


# --- Finalised applications to order ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationsToOrder:
    waiting: list  # finalised, each with `.price` (a Price, or None when there is no price)
    not_waiting: list  # chosen but not awaiting ordering: left out

    @property
    def count(self) -> int:
        return len(self.waiting)


def applications_to_order(portal_user, *, ids: list[int]) -> ApplicationsToOrder | None:
    """The chosen applications in the user's scope, split into those awaiting ordering (priced) and the rest.
    None when any of `ids` is not the user's to see."""
    ids = sorted(set(ids))
    found = list(
        scope(CardApplication.objects.all(), portal_user, flag=None)
        .filter(pk__in=ids)
        .select_related("operative", "card_type", "office")
    )
    if len(found) != len(ids):
        return None
    waiting = [a for a in found if a.status == CardApplication.Status.FINALISED]
    member = portal_user.organisation.is_jib_member
    for application in waiting:
        try:
            application.price = card_application_price(
                card_type=application.card_type, application_type=application.application_type, jib_member=member
            )
        except CardPrice.DoesNotExist:
            application.price = None
    return ApplicationsToOrder(
        waiting=waiting, not_waiting=[a for a in found if a.status != CardApplication.Status.FINALISED]
    )


# --- BACS: the statement import's summary, and choosing who paid -------------------------------------------------


@dataclass(frozen=True)
class StatementSummary:
    lines: int  # credits read from the file
    duplicates: int  # credits imported before, skipped
    paid: int  # matched to an order for exactly its total: the order is paid
    paid_pence: int
    overpaid: int
    underpaid: int
    unmatched: int  # no ECS reference, or one of no order waiting for payment
    for_finance_pence: int  # the amount the finance team has to allocate
    decided: int  # of the transfers left to the finance team, those already allocated, credited or returned

    @property
    def for_finance(self) -> int:
        return self.overpaid + self.underpaid + self.unmatched


def bank_statement_summary(*, statement: BankStatement) -> StatementSummary:
    """What the import of `statement` did, in one query. A transfer the finance team has since decided is counted
    under what the import found (overpaid, underpaid or unmatched) and in `decided`."""
    S = BankTransfer.Status
    decided = [S.ALLOCATED, S.CREDITED, S.RETURNED]
    row = statement.transfers.aggregate(
        n=Count("pk"),
        paid=Count("pk", filter=Q(status=S.MATCHED)),
        paid_pence=Coalesce(Sum("amount_pence", filter=Q(status=S.MATCHED)), 0),
        overpaid=Count("pk", filter=Q(status=S.OVERPAID) | Q(status__in=decided, difference_pence__gt=0)),
        underpaid=Count("pk", filter=Q(status=S.UNDERPAID) | Q(status__in=decided, difference_pence__lt=0)),
        unmatched=Count("pk", filter=Q(status=S.UNMATCHED) | Q(status__in=decided, difference_pence=0)),
        for_finance_pence=Coalesce(Sum("amount_pence", filter=~Q(status=S.MATCHED)), 0),
        decided=Count("pk", filter=Q(status__in=decided)),
    )
    return StatementSummary(
        lines=statement.lines_read,
        duplicates=max(statement.lines_read - row["n"], 0),
        paid=row["paid"],
        paid_pence=row["paid_pence"],
        overpaid=row["overpaid"],
        underpaid=row["underpaid"],
        unmatched=row["unmatched"],
        for_finance_pence=row["for_finance_pence"],
        decided=row["decided"],
    )


def bacs_payers_matching(*, query: str, limit: int = 10) -> list[Organisation]:
    """Organisations a BACS transfer may have come from: by name (words in any order), JIB or ECA membership
    number, Companies House number, or the ECS reference of one of their orders."""
    query = " ".join(query.split())[:100]
    if len(query) < 2:
        return []
    compact = query.replace(" ", "").upper()
    by_name = Q()
    for word in query.split():
        by_name &= Q(name__icontains=word)
    matches = (
        by_name
        | Q(jib_membership_number__iexact=compact)
        | Q(eca_membership_number__iexact=compact)
        | Q(companies_house_number__iexact=compact)
        | Q(orders__reference=compact)
    )
    return list(Organisation.objects.filter(matches, is_jib=False).distinct().order_by("name", "pk")[:limit])


def payable_orders_of(*, organisation: Organisation) -> QuerySet:
    """The organisation's orders waiting for payment, with their totals (`total_pence`), oldest first."""
    return with_totals(
        Order.objects.filter(
            organisation=organisation, status__in=[Order.Status.AWAITING_PAYMENT, Order.Status.AWAITING_BACS]
        )
    ).order_by("created_at", "pk")
