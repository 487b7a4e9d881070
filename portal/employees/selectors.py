"""Reads for the employee pages: scoped by the access helper, a constant number of queries per page."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery

from portal.applications.selectors import applications_in_progress_count
from portal.employees.models import Employment, OfficeMove
from portal.organisations.access import scope
from portal.organisations.models import Office, Organisation, PortalUser
from portal.organisations.permissions import Flag
from portal.registry.models import Card, CardStatus, HseResult
from portal.registry.validators import ni_number_normalise

SORTS = {
    "name": ("last_name", "first_name", "pk"),  # the employment's copies of the names (indexed)
    "-name": ("-last_name", "-first_name", "-pk"),
    "started": ("started_on", "pk"),
    "-started": ("-started_on", "-pk"),
    "expiry": ("card_expires_on", "pk"),
    "-expiry": ("-card_expires_on", "-pk"),
}


def _expiry_window(today: date) -> tuple[date, date]:
    """Expiring soon: from today to three months ahead (both included); before today is expired."""
    return today, today + relativedelta(months=3)


def _search_filter(search: str) -> Q:
    """A card number (digits), an NI number, or words that start a first or last name."""
    compact = search.replace(" ", "")
    if compact.isdigit():
        return Q(Exists(Card.objects.filter(operative=OuterRef("operative"), number=compact)))
    if len(compact) == 9 and compact[:2].isalpha() and compact[2:8].isdigit():
        return Q(operative__ni_number=ni_number_normalise(compact))
    query = Q()
    for word in search.replace(",", " ").split():
        query &= Q(operative__last_name__istartswith=word) | Q(operative__first_name__istartswith=word)
    return query


def employees_in_scope(portal_user: PortalUser, *, current: bool = True, office: Office | None = None) -> QuerySet:
    """Employments the user may see; at `office` and below when given (404 outside the user's subtree)."""
    employments = scope(Employment.objects.all(), portal_user, flag=Flag.VIEW_EMPLOYEES, within=office)
    if current:
        employments = employments.filter(left_on__isnull=True)
    return employments


def employee_list(
    portal_user: PortalUser,
    *,
    search: str = "",
    office: Office | None = None,
    card_status: str = "",
    sort: str = "name",
    today: date | None = None,
) -> QuerySet:
    """Current employees with their newest card's expiry (`card_expires_on`: the employment's summary of the
    current card); cards and HS&E results come prefetched."""
    today, soon = _expiry_window(today or date.today())
    employments = (
        employees_in_scope(portal_user, office=office)
        .select_related("operative", "office")
        .annotate(apps_in_progress=applications_in_progress_count())
    )
    if search := search.strip():
        employments = employments.filter(_search_filter(search))
    if card_status == CardStatus.NONE:
        employments = employments.filter(card_expires_on__isnull=True)
    elif card_status == CardStatus.EXPIRED:
        employments = employments.filter(card_expires_on__lt=today)
    elif card_status == CardStatus.EXPIRING:
        employments = employments.filter(card_expires_on__gte=today, card_expires_on__lte=soon)
    elif card_status == CardStatus.VALID:
        employments = employments.filter(card_expires_on__gt=soon)
    employments = employments.order_by(*SORTS.get(sort, SORTS["name"]))
    return employments.prefetch_related(
        Prefetch(
            "operative__cards",
            queryset=Card.objects.filter(cancelled_at__isnull=True).select_related("card_type"),
            to_attr="current_cards",
        ),
        Prefetch("operative__hse_results", queryset=HseResult.objects.order_by("-taken_on"), to_attr="hse_list"),
    )


def hse_status(operative, *, today: date | None = None) -> str:
    """'Valid until …', 'Expired', 'Failed' or 'None', from the prefetched results."""
    today = today or date.today()
    results = getattr(operative, "hse_list", None)
    if results is None:
        results = list(operative.hse_results.order_by("-taken_on"))
    passes = [r for r in results if r.passed]
    if passes:
        best = max(passes, key=lambda r: r.expires_on or date.min)
        if best.is_valid_on(today):
            return f"Valid until {best.expires_on:%d/%m/%Y}"
        return "Expired"
    return "Failed" if results else "None"


def expiring_cards(portal_user: PortalUser, *, expired: bool, today: date | None = None) -> QuerySet:
    """Current employees (in scope) whose current card expires within three months, or has expired, soonest (or
    most recently expired) first: a range of the index on the employments' card summary. Each row is an
    employment with its `card` (and the card's type) and operative."""
    start, end = _expiry_window(today or date.today())
    employments = employees_in_scope(portal_user)
    if expired:
        employments = employments.filter(card_expires_on__lt=start).order_by("-card_expires_on", "pk")
    else:
        employments = employments.filter(card_expires_on__gte=start, card_expires_on__lte=end).order_by(
            "card_expires_on", "pk"
        )
    return employments.select_related("operative", "card__card_type")


def employment_history(portal_user: PortalUser, *, operative) -> QuerySet:
    """The operative's employments, past and present, that the user may see."""
    return employees_in_scope(portal_user, current=False).filter(operative=operative).select_related("office")


def office_moves(portal_user: PortalUser, *, operative) -> QuerySet:
    """The moves between offices of the operative's employments that the user may see, newest first."""
    return OfficeMove.objects.filter(
        employment__in=employment_history(portal_user, operative=operative).values("pk")
    ).select_related("from_office", "to_office", "moved_by")


def _count(queryset: QuerySet) -> Subquery:
    """COUNT(*) of `queryset` as a scalar subquery (no GROUP BY): each count its own index range."""
    counted = queryset.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField())).values("n")
    return Subquery(counted, output_field=IntegerField())


def employee_counts(portal_user: PortalUser, *, today: date | None = None) -> dict[str, int]:
    """The home page's counts in one query: current employees, and those whose current card (the card
    `expiring_cards` lists) expires soon or has expired, each counted from an index alone (the employments' card
    summary by organisation and expiry; the employees by organisation, left_on and office)."""
    start, end = _expiry_window(today or date.today())
    employees = employees_in_scope(portal_user)
    return (
        Organisation.objects.filter(pk=portal_user.organisation_id)
        .values(
            employees=_count(employees),
            expiring=_count(employees.filter(card_expires_on__gte=start, card_expires_on__lte=end)),
            expired=_count(employees.filter(card_expires_on__lt=start)),
        )
        .get()
    )
