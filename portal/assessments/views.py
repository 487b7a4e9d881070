"""ECS Assessments in the Employer Portal: credits held and bought, booking delegates, the bookings and their
results. Every page needs a licence that includes ECS Assessments; views validate and call the services.

Permissions (there are no assessment-specific flags; the nearest existing ones are used):
- credits held and their movements: Can View Purchases; buying credits: Can Create New Purchases (paying then
  follows the orders' own flags: Can Complete Card Purchases, Can Use Funds);
- booking and cancelling: Can Fill In Applications (arranging something for an employee with their consent, as a
  card application) and Can View Employees (to choose them);
- the bookings, their results and result letters: Can View Card Applications.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.applications.models import CardApplication
from portal.assessments import selectors, services
from portal.assessments.forms import BookingForm, CreditOrderForm
from portal.assessments.letters import result_letter_pdf
from portal.assessments.models import AssessmentResult, AssessmentType, Booking
from portal.core.confirm import Confirmation, confirmation_page
from portal.licensing.models import LicencePart
from portal.organisations.access import (
    AnyOf,
    access,
    access_office,
    holds,
    offices_in_scope,
    portal_user_of,
    require_flag,
    require_licence_part,
)
from portal.organisations.permissions import Flag

PAGE_SIZE = 50
EMPLOYEES_PER_PAGE = 25
VIEW_BOOKINGS = Flag.VIEW_APPLICATIONS
BOOK = Flag.FILL_IN_APPLICATIONS
ANY_ASSESSMENT_FLAG = AnyOf(Flag.VIEW_PURCHASES, Flag.CREATE_PURCHASES, Flag.VIEW_APPLICATIONS,
                            Flag.FILL_IN_APPLICATIONS)  # fmt: skip


def _assessments_user(request):
    """The portal user, once their organisation's licence is known to include ECS Assessments (else 403)."""
    portal_user = portal_user_of(request)
    require_licence_part(portal_user, LicencePart.ASSESSMENTS)
    return portal_user


def home(request):
    portal_user = _assessments_user(request)
    require_flag(portal_user, ANY_ASSESSMENT_FLAG)
    organisation = portal_user.organisation
    return render(
        request,
        "assessments/home.html",
        {
            "held": selectors.credits_held(organisation=organisation),
            "types": selectors.types_offered(organisation=organisation),
            "can_view_credits": holds(portal_user, Flag.VIEW_PURCHASES),
            "can_buy": holds(portal_user, Flag.CREATE_PURCHASES),
            "can_book": holds(portal_user, BOOK) and holds(portal_user, Flag.VIEW_EMPLOYEES),
            "can_view_bookings": holds(portal_user, VIEW_BOOKINGS),
            "counts": selectors.booking_counts(portal_user) if holds(portal_user, VIEW_BOOKINGS) else None,
            "tab": "home",
        },
    )


# --- Credits ------------------------------------------------------------------------------------------------------


def credits(request):
    portal_user = _assessments_user(request)
    require_flag(portal_user, Flag.VIEW_PURCHASES)
    organisation = portal_user.organisation
    movements = Paginator(selectors.credit_movements(organisation=organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessments/credits.html",
        {
            "held": selectors.credits_held(organisation=organisation),
            "page": movements,
            "can_buy": holds(portal_user, Flag.CREATE_PURCHASES),
            "tab": "credits",
        },
    )


def buy(request):
    """Buy credits: an order of one type's credits, closed, then paid on the orders' payment page."""
    portal_user = _assessments_user(request)
    require_flag(portal_user, Flag.CREATE_PURCHASES)
    types = selectors.types_offered(organisation=portal_user.organisation)
    initial = {"office": portal_user.office_id, "billing_office": portal_user.office_id, "quantity": 1}
    chosen = types.filter(code=request.GET.get("type", "")).first()
    if chosen is not None:
        initial["assessment_type"] = chosen.pk
    form = CreditOrderForm(request.POST or None, offices=offices_in_scope(portal_user), types=types, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.credit_order_create(
                actor=request.user,
                organisation=portal_user.organisation,
                assessment_type=data["assessment_type"],
                quantity=data["quantity"],
                your_reference=data["your_reference"],
                office=access_office(portal_user, office_id=data["office"].pk, flag=None),
                billing_office=access_office(portal_user, office_id=data["billing_office"].pk, flag=None),
                accounts_contact=data["accounts_contact"],
            )
        except services.AssessmentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request, f"Order {order.your_reference} for {data['quantity']} {data['assessment_type'].name} "
                f"credit{'s' if data['quantity'] != 1 else ''} created. The credits are added once it is paid.",
            )  # fmt: skip
            if holds(portal_user, Flag.COMPLETE_PURCHASES):
                return redirect("orders:pay", pk=order.pk)
            return redirect("orders:detail", pk=order.pk)
    return render(request, "assessments/buy.html", {"form": form, "types": types, "tab": "buy"})


# --- Booking ------------------------------------------------------------------------------------------------------


def _with_known_contact(employees):
    """Each employee with the business email and phone given on their latest card application, to suggest."""
    latest = CardApplication.objects.filter(operative=OuterRef("operative")).exclude(business_email="")
    latest = latest.order_by("-created_at")
    return employees.annotate(
        known_email=Subquery(latest.values("business_email")[:1]),
        known_mobile=Subquery(latest.values("business_phone")[:1]),
    )


def book(request):
    """Book one or many employees for a licensed type, one credit each, with their consent."""
    portal_user = _assessments_user(request)
    require_flag(portal_user, BOOK, Flag.VIEW_EMPLOYEES)
    organisation = portal_user.organisation
    types = list(selectors.types_offered(organisation=organisation))
    balances = {held.assessment_type.pk: held.balance for held in selectors.credits_held(organisation=organisation)}
    params = request.POST if request.method == "POST" else request.GET
    # Searching or turning the page posts the form too, so that the ticks and what was typed are kept.
    moving = request.method == "POST" and ("go" in params or "find" in params)
    search = params.get("q", "").strip()
    page_number = 1 if "find" in params else params.get("go") or params.get("page")
    listed = Paginator(
        _with_known_contact(selectors.bookable_employees(portal_user, search=search)), EMPLOYEES_PER_PAGE
    ).get_page(page_number)
    employees = list(listed)
    # Ticked on the page before a search or page change, or chosen on the employee's record: keep them listed.
    try:
        ticked = {int(pk) for pk in params.getlist("employee")}
    except ValueError:
        raise Http404 from None
    if ticked:
        missing = ticked - {e.pk for e in employees}
        if missing:
            employees += list(_with_known_contact(selectors.bookable_employees(portal_user, ids=sorted(missing))))
    open_types = selectors.open_booking_types(operative_ids={e.operative_id for e in employees})
    for employment in employees:
        employment.open_type_ids = open_types.get(employment.operative_id, set())
    type_queryset = AssessmentType.objects.filter(pk__in=[t.pk for t in types])
    initial = {
        "assessment_type": next((t.pk for t in types if t.code == request.GET.get("type")), None),
        "employee": sorted(ticked),
    }
    if moving:
        initial.update({name: value for name, value in request.POST.items() if name.startswith(("email_", "mobile_"))})
        initial["assessment_type"] = request.POST.get("assessment_type")
        initial["consent"] = bool(request.POST.get("consent"))
    form = BookingForm(
        request.POST if request.method == "POST" and not moving else None,
        types=type_queryset,
        employees=employees,
        balances=balances,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        delegates = [services.Delegate(employment=e, email=email, mobile=mobile)
                     for e, email, mobile in form.delegates()]  # fmt: skip
        try:
            bookings = services.booking_create(
                actor=request.user,
                organisation=organisation,
                assessment_type=form.cleaned_data["assessment_type"],
                delegates=delegates,
                consent=form.cleaned_data["consent"],
            )
        except services.AssessmentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            count = len(bookings)
            messages.success(
                request,
                f"{count} delegate{'s' if count != 1 else ''} booked for the "
                f"{form.cleaned_data['assessment_type'].name}: "
                + ", ".join(f"{b.operative.full_name} ({b.reference})" for b in bookings)
                + ". Each will be sent a link to take the assessment.",
            )
            return redirect("assessments:bookings")
    return render(
        request,
        "assessments/book.html",
        {"form": form, "types": types, "listed": listed, "search": search, "tab": "book",
         "query": f"q={search}" if search else ""},
    )  # fmt: skip


# --- Bookings -----------------------------------------------------------------------------------------------------


def bookings(request):
    portal_user = _assessments_user(request)
    require_flag(portal_user, VIEW_BOOKINGS)
    which = request.GET.get("show", "open")
    if which not in ("open", "ended", "all"):
        which = "open"
    types = selectors.types_offered(organisation=portal_user.organisation)
    kind = AssessmentType.objects.filter(code=request.GET.get("type", "")).first()
    page = Paginator(selectors.booking_list(portal_user, status_group=which, assessment_type=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = f"show={which}" + (f"&type={kind.code}" if kind else "")
    return render(
        request,
        "assessments/bookings.html",
        {"page": page, "show": which, "kind": kind, "types": types, "query": query, "tab": "bookings",
         "can_book": holds(portal_user, BOOK)},
    )  # fmt: skip


def _booking(request, pk: int, *, flag=VIEW_BOOKINGS) -> Booking:
    portal_user = _assessments_user(request)
    return access(selectors.booking_detail_queryset(), portal_user, flag=flag, pk=pk)


def booking_detail(request, pk: int):
    booking = _booking(request, pk)
    result = AssessmentResult.objects.filter(booking=booking).first()
    return render(
        request,
        "assessments/booking.html",
        {
            "booking": booking,
            "events": booking.events.select_related("actor"),
            "result": result,
            "can_cancel": booking.is_cancellable and holds(request.portal_user, BOOK),
            "tab": "bookings",
        },
    )


@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    portal_user = _assessments_user(request)
    require_flag(portal_user, BOOK)
    booking = _booking(request, pk)
    if request.method == "GET":
        return confirmation_page(
            request,
            Confirmation(
                title=f"Cancel booking {booking.reference}?",
                consequences=[
                    f"{booking.operative.full_name} can no longer take the {booking.assessment_type.name} with this "
                    "booking: the link sent to them stops working.",
                    f"The {booking.assessment_type.name} credit goes back to your organisation's credits.",
                ],
                warning="A cancelled booking cannot be opened again.",
                button="Cancel the booking",
                cancel_url=reverse("assessments:booking", args=[booking.pk]),
            ),
        )
    try:
        services.booking_cancel(booking=booking, actor=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Booking {booking.reference} is cancelled; the credit is returned.")
    return redirect("assessments:booking", pk=booking.pk)


def letter(request, pk: int):
    booking = _booking(request, pk)
    result = AssessmentResult.objects.filter(booking=booking).select_related("assessment_type", "operative").first()
    if result is None:
        raise Http404
    response = HttpResponse(result_letter_pdf(result=result), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="result-{result.number}.pdf"'
    return response
