from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.core.exports import csv_response
from portal.core.pagination import page_of
from portal.core.rows import render as render_rows
from portal.employees import selection, selectors, services
from portal.employees.forms import ConfirmForm, EmployeeFilterForm, LeaveForm, LookupForm, NewOperativeForm, OfficeForm
from portal.employees.models import Employment
from portal.organisations.access import (
    access,
    access_office,
    holds,
    offices_in_scope,
    portal_user_of,
    require_flag,
)
from portal.organisations.permissions import Flag
from portal.registry.models import Operative

PAGE_SIZE = 50
SESSION_FOUND = "add_employee_found"
SESSION_PREFILL = "add_employee_prefill"
# The search is posted and kept in the session: a name or NI number never appears in a URL (nor in access logs).
SESSION_SEARCH = "employee_search"


def _listed_employments(request, portal_user):
    """The filter form (from the session's search) and the employments it selects, in its order."""
    offices = list(offices_in_scope(portal_user))
    form = EmployeeFilterForm(request.session.get(SESSION_SEARCH) or None, offices=offices)
    filters = form.cleaned_data if form.is_valid() else {}
    office = access_office(portal_user, office_id=filters["office"], flag=None) if filters.get("office") else None
    employments = selectors.employee_list(
        portal_user,
        search=filters.get("q") or "",
        office=office,
        card_status=filters.get("status") or "",
        sort=filters.get("sort") or "name",
    )
    return form, filters, employments


def employee_list(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.VIEW_EMPLOYEES)
    if request.method == "GET" and "status" in request.GET:
        # A link (the weekly card expiry reminder) opens the list filtered by card status: kept like a search.
        form = EmployeeFilterForm(
            {"status": request.GET["status"], "sort": "expiry"}, offices=list(offices_in_scope(portal_user))
        )
        if form.is_valid():
            request.session[SESSION_SEARCH] = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        return redirect("employees:list")
    if request.method == "POST":
        form = EmployeeFilterForm(request.POST, offices=list(offices_in_scope(portal_user)))
        if "clear" in request.POST:
            request.session.pop(SESSION_SEARCH, None)
            return redirect("employees:list")
        if form.is_valid():
            request.session[SESSION_SEARCH] = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            return redirect("employees:list")
        filters, employments = {}, selectors.employee_list(portal_user)
    else:
        form, filters, employments = _listed_employments(request, portal_user)
    if request.GET.get("format") == "csv":
        lines = (
            [e.operative.sort_name, e.operative.ni_number, e.office.name, e.started_on.isoformat(),
             " ".join(c.number for c in e.operative.current_cards),
             e.card_expires_on.isoformat() if e.card_expires_on else "", selectors.hse_status(e.operative)]
            for e in employments.iterator(chunk_size=1000)
        )  # fmt: skip
        header = ["Name", "NI number", "Office", "Started", "Card numbers", "Newest card expires", "H&S status"]
        return csv_response("employees.csv", header, lines)
    page = page_of(employments, request, per_page=PAGE_SIZE)
    chosen = selection.chosen(request)
    for employment in page:
        employment.hse_status = selectors.hse_status(employment.operative)
        employment.chosen = employment.pk in chosen
    can_start = holds(portal_user, Flag.FILL_IN_APPLICATIONS)
    return render(
        request,
        "employees/list.html",
        {
            "form": form,
            "page": page,
            "rows": render_rows("employees.jinja", rows=page, can_start=can_start),
            "searching": bool(filters),
            "can_add": holds(portal_user, Flag.ADD_EMPLOYEES),
            "can_start": can_start,
            "chosen_count": len(chosen),
            "chosen_elsewhere": len(chosen - {e.pk for e in page}),
        },
    )


def _ids(values) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


@require_POST
def employee_selection(request):
    """The ticks of one page of the list, kept in the session: then another page, all matching, or start."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.FILL_IN_APPLICATIONS)
    _, _, employments = _listed_employments(request, portal_user)
    if "select_all" in request.POST:
        chosen = set(employments.values_list("pk", flat=True))
    elif "clear_selection" in request.POST:
        chosen = set()
    else:
        ticked = _ids(request.POST.getlist("employment"))
        chosen = (selection.chosen(request) - _ids(request.POST.getlist("on_page"))) | ticked
        chosen = set(selectors.employees_in_scope(portal_user).filter(pk__in=chosen).values_list("pk", flat=True))
    selection.keep(request, chosen)
    if "start" in request.POST:
        return redirect(selection.start_url(chosen, order=employments))
    page = request.POST.get("go") or request.POST.get("page") or "1"
    url = reverse("employees:list")
    return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)


def expiring(request, which: str = "expiring"):
    portal_user = portal_user_of(request)
    if which not in ("expiring", "expired"):
        raise Http404
    expired = which == "expired"
    employments = selectors.expiring_cards(portal_user, expired=expired)
    if request.GET.get("format") == "csv":
        lines = (
            [e.operative.sort_name, e.operative.ni_number, e.card.card_type.name, e.card.number,
             e.card_expires_on.isoformat()]
            for e in employments.iterator(chunk_size=1000)
        )  # fmt: skip
        return csv_response(f"cards-{which}.csv", ["Name", "NI number", "Card type", "Card number", "Expires"], lines)
    page = page_of(employments, request, per_page=PAGE_SIZE, non_null_order=True)
    context = {"page": page, "rows": render_rows("expiring.jinja", rows=page), "expired": expired, "which": which}
    return render(request, "employees/expiring.html", context)


def employee_detail(request, pk: int):
    portal_user = portal_user_of(request)
    employment = access(
        Employment.objects.select_related("operative", "office", "confirmed_by"),
        portal_user,
        flag=Flag.VIEW_EMPLOYEES,
        pk=pk,
    )
    operative = employment.operative
    history = selectors.employment_history(portal_user, operative=operative)
    can_change = holds(portal_user, Flag.CHANGE_EMPLOYEE_DETAILS) and employment.is_current
    return render(
        request,
        "employees/detail.html",
        {
            "employment": employment,
            "operative": operative,
            "cards": operative.cards.select_related("card_type"),
            "hse_results": operative.hse_results.all(),
            "hse_status": selectors.hse_status(operative),
            "qualifications": operative.qualifications.all(),
            "history": history,
            "moves": selectors.office_moves(portal_user, operative=operative),
            "can_leave": holds(portal_user, Flag.REMOVE_EMPLOYEES) and employment.is_current,
            "can_change": can_change,
            "office_form": OfficeForm(initial={"office": employment.office_id}, offices=offices_in_scope(portal_user))
            if can_change
            else None,
            "leave_form": LeaveForm(initial={"left_on": date.today()}),
        },
    )


def employee_cards(request, pk: int):
    """The employee's ECS cards as they look, each with its QR code (what a site manager's phone scans)."""
    portal_user = portal_user_of(request)
    employment = access(Employment.objects.select_related("operative"), portal_user, flag=Flag.VIEW_EMPLOYEES, pk=pk)
    cards = employment.operative.cards.select_related("card_type", "occupation", "grade")
    return render(
        request, "employees/cards.html", {"employment": employment, "operative": employment.operative, "cards": cards}
    )


@require_POST
def employee_leave(request, pk: int):
    portal_user = portal_user_of(request)
    employment = access(Employment.objects.select_related("operative"), portal_user, flag=Flag.REMOVE_EMPLOYEES, pk=pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.employee_leave(
                employment=employment, left_on=form.cleaned_data["left_on"], recorded_by=request.user
            )
            messages.success(request, f"{employment.operative.full_name} is recorded as having left.")
        except services.EmployeeError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("employees:detail", pk=pk)


@require_POST
def employee_office(request, pk: int):
    portal_user = portal_user_of(request)
    employment = access(
        Employment.objects.select_related("operative"), portal_user, flag=Flag.CHANGE_EMPLOYEE_DETAILS, pk=pk
    )
    form = OfficeForm(request.POST, offices=offices_in_scope(portal_user))
    if form.is_valid():
        office = access_office(portal_user, office_id=form.cleaned_data["office"], flag=None)
        try:
            services.employee_allocate_office(employment=employment, office=office, moved_by=request.user)
            messages.success(request, f"{employment.operative.full_name} now works at {office.name}.")
        except services.EmployeeError as exc:
            messages.error(request, str(exc))
    return redirect("employees:detail", pk=pk)


def employee_add(request):
    """Step 1: LOOKUP by NI number and date of birth plus one other detail."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.ADD_EMPLOYEES)
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.employee_lookup(organisation=portal_user.organisation, looked_up_by=request.user, **data)
        except services.EmployeeError as exc:
            form.add_error(None, str(exc))
            return render(request, "employees/add_lookup.html", {"form": form})
        if result.operative is not None and result.already_employed:
            form.add_error(None, f"{result.operative.full_name} is already one of your employees.")
        elif result.operative is not None:
            request.session[SESSION_FOUND] = result.operative.pk
            return redirect("employees:add_confirm")
        else:
            request.session[SESSION_PREFILL] = {
                "ni_number": data["ni_number"],
                "date_of_birth": data["date_of_birth"].isoformat(),
                "last_name": data["last_name"],
            }
            return redirect("employees:add_new")
    return render(request, "employees/add_lookup.html", {"form": form})


def _declaration(request, organisation_name: str) -> str:
    return (
        f"I {request.user.get_full_name()} hereby confirm that the operative shown above started work with "
        f"{organisation_name} on the date given above and that we have the right to view and modify their details."
    )


def employee_add_confirm(request):
    """Step 2, a record was found: CONFIRM & CONTINUE with start date, office and the declaration."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.ADD_EMPLOYEES)
    operative = Operative.objects.filter(pk=request.session.get(SESSION_FOUND)).first()
    if operative is None:
        return redirect("employees:add")
    offices = list(offices_in_scope(portal_user))
    form = ConfirmForm(request.POST or None, offices=offices, initial={"office": portal_user.office_id})
    if request.method == "POST" and form.is_valid():
        office = access_office(portal_user, office_id=form.cleaned_data["office"], flag=None)
        try:
            employment = services.employee_add(
                operative=operative,
                organisation=portal_user.organisation,
                office=office,
                started_on=form.cleaned_data["started_on"],
                confirmed_by=request.user,
            )
        except services.EmployeeError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(SESSION_FOUND, None)
            messages.success(request, f"{operative.full_name} has been added to your employees.")
            return redirect("employees:detail", pk=employment.pk)
    return render(
        request,
        "employees/add_confirm.html",
        {"form": form, "operative": operative, "declaration": _declaration(request, portal_user.organisation.name)},
    )


def employee_add_new(request):
    """Step 2, nothing found: a new ECS record, then CONFIRM & CONTINUE."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.ADD_EMPLOYEES)
    offices = list(offices_in_scope(portal_user))
    initial = {**request.session.get(SESSION_PREFILL, {}), "office": portal_user.office_id}
    form = NewOperativeForm(request.POST or None, offices=offices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = access_office(portal_user, office_id=data["office"], flag=None)
        try:
            employment = services.employee_create(
                organisation=portal_user.organisation,
                office=office,
                started_on=data["started_on"],
                confirmed_by=request.user,
                title=data["title"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                ni_number=data["ni_number"],
                date_of_birth=data["date_of_birth"],
                gender=data["gender"],
            )
        except services.EmployeeError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(SESSION_PREFILL, None)
            messages.success(request, f"{employment.operative.full_name} has been added to your employees.")
            return redirect("employees:detail", pk=employment.pk)
    return render(
        request,
        "employees/add_new.html",
        {"form": form, "declaration": _declaration(request, portal_user.organisation.name)},
    )
