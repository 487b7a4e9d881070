"""The one place that decides what a JIB staff member may open in the back office.

Each back-office process belongs to teams: licence cases (and the applicant's company accounts) to Licensing;
card applications, their documents and photos to Verification and Processing; BACS transfers, bank statements and
orders to Finance; assessment bookings and their sittings (photographs, event log) to Invigilation. Team leaders
and managers see what their teams see. Anyone else gets 403 before anything is fetched (so nothing reveals whether
an object exists); an object that does not exist is 404.

Every back-office view fetches through these helpers, and each process's `has_view_permission` asks
`in_jib_team(user, *flow.jib_teams)` with one of the team lists below.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from portal.accounts.models import JibTeam, User
from portal.applications.models import ApplicationDocument, CardApplication
from portal.assessments.models import Booking
from portal.licensing.models import LicenceApplication
from portal.orders.models import BankStatement, BankTransfer, Order

# Who works which kind of case.
CASE_MANAGERS = (JibTeam.TEAM_LEADER, JibTeam.MANAGER)
LICENCE_TEAMS = (JibTeam.LICENSING, *CASE_MANAGERS)
CARD_APPLICATION_TEAMS = (JibTeam.VERIFICATION, JibTeam.PROCESSING, *CASE_MANAGERS)
FINANCE_TEAMS = (JibTeam.FINANCE, *CASE_MANAGERS)
INVIGILATION_TEAMS = (JibTeam.INVIGILATION, *CASE_MANAGERS)

# A card application the employer has not yet sent (not paid for) is not a JIB case: its files are not shown.
NOT_SENT = (CardApplication.Status.IN_PROGRESS, CardApplication.Status.FINALISED, CardApplication.Status.ORDERED)


def jib_teams_of(user: User) -> frozenset[str]:
    """The JIB teams an active staff member belongs to (none for anyone else), read once per user object."""
    teams = getattr(user, "_jib_teams", None)
    if teams is None:
        staff = user.is_authenticated and user.is_active and user.is_jib_staff
        teams = frozenset(user.groups.values_list("name", flat=True)) if staff else frozenset()
        if user.is_authenticated:
            user._jib_teams = teams
    return teams


def in_jib_team(user: User, *teams: str) -> bool:
    """Whether `user` is active JIB staff in any of `teams` (JibTeam values)."""
    return not jib_teams_of(user).isdisjoint(teams)


def require_jib_team(user: User, *teams: str) -> None:
    """403 unless `user` is active JIB staff in one of `teams`."""
    if not in_jib_team(user, *teams):
        names = ", ".join(JibTeam(team).label for team in teams)
        raise PermissionDenied(f"This is for the JIB's teams: {names}.")


def is_case_manager(user: User) -> bool:
    """JIB team leaders and managers: they manage cases (assign, reassign, cancel) and see the dashboards."""
    return in_jib_team(user, *CASE_MANAGERS)


def _fetch(queryset: QuerySet, pk) -> Model:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def jib_licence_application(user: User, pk) -> LicenceApplication:
    """A licence application and its uploads (company accounts, information sent): Licensing."""
    require_jib_team(user, *LICENCE_TEAMS)
    return _fetch(LicenceApplication.objects.all(), pk)


def jib_card_application(user: User, pk) -> CardApplication:
    """A card application that has reached the JIB, with what its case page shows: Verification and Processing."""
    require_jib_team(user, *CARD_APPLICATION_TEAMS)
    return _fetch(
        CardApplication.objects.exclude(status__in=NOT_SENT)
        .select_related(
            "operative",
            "card_type",
            "office",
            "organisation",
            "main_occupation",
            "grade",
            "hse_result",
            "hse_exemption",
            "renews_card",
            "card",
        )
        .prefetch_related("additional_occupations"),
        pk,
    )


def jib_application_document(user: User, pk) -> ApplicationDocument:
    """An uploaded document of a card application that has reached the JIB: Verification and Processing."""
    require_jib_team(user, *CARD_APPLICATION_TEAMS)
    documents = ApplicationDocument.objects.exclude(application__status__in=NOT_SENT)
    return _fetch(documents.select_related("application"), pk)


def jib_bank_transfer(user: User, pk) -> BankTransfer:
    """A BACS transfer received: Finance."""
    require_jib_team(user, *FINANCE_TEAMS)
    return _fetch(BankTransfer.objects.select_related("order", "statement"), pk)


def jib_bank_statement(user: User, pk) -> BankStatement:
    """An imported bank statement: Finance."""
    require_jib_team(user, *FINANCE_TEAMS)
    return _fetch(BankStatement.objects.all(), pk)


def jib_order(user: User, pk) -> Order:
    """An employer's order, for allocating a payment to it: Finance."""
    require_jib_team(user, *FINANCE_TEAMS)
    return _fetch(Order.objects.select_related("organisation"), pk)


def jib_booking(user: User, pk) -> Booking:
    """An assessment booking with its sitting (photographs, event log): Invigilation."""
    require_jib_team(user, *INVIGILATION_TEAMS)
    return _fetch(Booking.objects.select_related("assessment_type", "operative", "organisation", "office"), pk)
