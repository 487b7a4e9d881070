"""The employer's card application journey: start, steps 1, 3 and 4, the attention list and an application's page.

Step 2 (documents and HS&E) has its own views; links to it, to orders and to the JIB's stages are resolved only when
those pages exist."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from portal.applications import selectors, services
from portal.applications.forms import (
    PHOTO_GUIDANCE_URL,
    ApplicantForm,
    ChooseTypesForm,
    FinaliseForm,
    OccupationsForm,
)
from portal.applications.models import CardApplication
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.pagination import page_of
from portal.core.rows import render as render_rows
from portal.employees import selection
from portal.employees.selectors import hse_status
from portal.organisations.access import CHANGE_ORDERS, access, holds, portal_user_of, require_flag
from portal.organisations.permissions import Flag

MAX_START = 500


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _application(request, pk: int, *, queryset=None):
    """The application (404 outside the user's scope, 403 without Can View Card Applications) and whether the user
    may change it now."""
    portal_user = portal_user_of(request)
    queryset = queryset if queryset is not None else CardApplication.objects.select_related("operative", "card_type")
    application = access(queryset, portal_user, flag=Flag.VIEW_APPLICATIONS, pk=pk)
    can_edit = holds(portal_user, Flag.FILL_IN_APPLICATIONS) and application.is_editable
    if request.method == "POST":
        require_flag(portal_user, Flag.FILL_IN_APPLICATIONS)
    return portal_user, application, can_edit


def _read_only(request, application):
    messages.info(
        request,
        f"Application {application.reference} is {application.get_status_display().lower()}: "
        "it can be changed only while in progress, by a user who may fill in applications.",
    )
    return redirect("applications:detail", pk=application.pk)


def resume_url(application: CardApplication) -> str:
    """The step the application has reached (step 2 only where its pages exist)."""
    for step in range(min(max(application.step, 1), 4), 0, -1):
        if url := _url(f"applications:step{step}", application.pk):
            return url
    return ""


# -- Start -----------------------------------------------------------------------------------------------------


def start(request):
    """Choose Application Types: one card type per chosen employee, then one application (and process) each."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.FILL_IN_APPLICATIONS)
    data = request.POST if request.method == "POST" else request.GET
    ids = list(dict.fromkeys(int(v) for v in data.getlist("employment") if v.isdigit()))
    if not ids:
        messages.error(request, "Tick the employees to start applications for.")
        return redirect("employees:list")
    if len(ids) > MAX_START:
        messages.error(request, f"Start applications for at most {MAX_START} employees at once.")
        return redirect("employees:list")
    employments = selectors.employments_to_start(portal_user, ids=ids)
    if not employments:
        raise Http404
    for employment in employments:
        employment.hse_status = hse_status(employment.operative)
    availability = selectors.card_types_available(employments=employments)
    form = ChooseTypesForm(request.POST if request.method == "POST" else None, availability=availability)
    if request.method == "POST" and form.is_valid():
        choices = form.choices()
        try:
            applications = services.card_applications_start(actor=request.user, choices=choices)
        except services.ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            if not applications:
                form.add_error(None, "None of these employees can start an application now.")
            else:
                others = len(applications) - 1
                messages.success(
                    request,
                    f"{len(applications)} application{'s' if len(applications) != 1 else ''} started."
                    + (f" The other {others} {'are' if others > 1 else 'is'} under Applications Requiring Attention."
                       if others else ""),
                )  # fmt: skip
                selection.forget(request)  # the employees ticked on the list are now applied for
                return redirect("applications:step1", pk=applications[0].pk)
    if request.method == "POST" and not form.errors and not form.choices():
        form.add_error(None, "None of these employees can start an application now.")
    return render(request, "applications/start.html", {"form": form, "rows": form.rows()})


# -- Step 1 ----------------------------------------------------------------------------------------------------


def step1(request, pk: int):
    portal_user, application, can_edit = _application(request, pk)
    if not can_edit:
        if request.method == "POST":
            raise PermissionDenied("This application can no longer be changed.")
        return _read_only(request, application)
    posted = request.method == "POST"
    form = ApplicantForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        has_photo=bool(application.photo),
        initial={"business_phone": application.business_phone, "business_email": application.business_email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.card_application_save_applicant(
                application=application,
                actor=request.user,
                business_phone=form.cleaned_data["business_phone"],
                business_email=form.cleaned_data["business_email"],
                photo=form.cleaned_data.get("photo"),
            )
        except services.ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            next_url = _url("applications:step2", application.pk) or reverse("applications:step3", args=[pk])
            return redirect(next_url)
    return render(
        request,
        "applications/step1.html",
        {
            "application": application,
            "operative": application.operative,
            "form": form,
            "guidance_url": PHOTO_GUIDANCE_URL,
            "current": 1,
        },
    )


def photo(request, pk: int):
    """The stored photo, for users who may view the application (never a public media address)."""
    _, application, _ = _application(request, pk)
    if not application.photo:
        raise Http404
    file = application.photo.open("rb")
    head = file.read(8)
    file.seek(0)
    content_type = "image/png" if head.startswith(b"\x89PNG") else "image/jpeg"
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- Step 3 ----------------------------------------------------------------------------------------------------


def step3(request, pk: int):
    queryset = CardApplication.objects.select_related("operative", "card_type__family", "main_occupation", "grade")
    portal_user, application, can_edit = _application(request, pk, queryset=queryset)
    if not can_edit:
        if request.method == "POST":
            raise PermissionDenied("This application can no longer be changed.")
        return _read_only(request, application)
    options = selectors.occupation_options(application=application)
    initial = {
        "main_occupation": application.main_occupation_id,
        "grade": application.grade_id,
        "additional_occupations": list(application.additional_occupations.values_list("pk", flat=True)),
        "registered_electrician": application.registered_electrician,
        "qualified_supervisor": application.qualified_supervisor,
    }
    form = OccupationsForm(request.POST if request.method == "POST" else None, options=options, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.card_application_save_occupations(
                application=application,
                actor=request.user,
                main_occupation=data["main_occupation"],
                grade=data.get("grade"),
                additional_occupations=list(data.get("additional_occupations") or []),
                registered_electrician=data.get("registered_electrician", False),
                qualified_supervisor=data.get("qualified_supervisor", False),
            )
        except services.ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("applications:step4", pk=pk)
    return render(
        request,
        "applications/step3.html",
        {
            "application": application,
            "options": options,
            "form": form,
            "not_allowed": [o for o in options.main if not o.allowed],
            "additional_not_allowed": [o for o in options.additional if not o.allowed],
            "current": 3,
            "step2_url": _url("applications:step2", pk),
        },
    )


# -- Step 4 ----------------------------------------------------------------------------------------------------


def step4(request, pk: int):
    portal_user = portal_user_of(request)
    application = selectors.card_application_detail(portal_user, pk=pk)
    can_edit = holds(portal_user, Flag.FILL_IN_APPLICATIONS) and application.is_editable
    form = FinaliseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_flag(portal_user, Flag.FILL_IN_APPLICATIONS)
        declared = form.is_valid()
        try:
            services.card_application_finalise(application=application, actor=request.user, declaration=declared)
        except services.ApplicationError as exc:
            application.refresh_from_db(fields=["status"])
            if not application.is_editable:
                messages.error(request, str(exc))
                return redirect("applications:detail", pk=pk)
            if declared:
                form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Application {application.reference} for {application.operative.full_name} is finalised: "
                "it awaits ordering.",
            )
            return redirect("applications:attention")
    elif not can_edit:
        return _read_only(request, application)
    problems = selectors.card_application_problems(application=application)
    summary = _summary_context(application)
    return render(
        request,
        "applications/step4.html",
        {
            "application": application,
            "form": form,
            "problems": problems,
            "problem_list": [(n, p, summary["step_urls"].get(n)) for n, found in problems.items() for p in found],
            "blocked": any(problems.values()),
            "current": 4,
            **summary,
        },
    )


def _summary_context(application: CardApplication) -> dict:
    step_urls = {1: _url("applications:step1", application.pk), 2: _url("applications:step2", application.pk),
                 3: _url("applications:step3", application.pk)}  # fmt: skip
    documents = list(application.documents.all())
    return {
        "step_urls": step_urls,
        "documents": documents,
        "additional": list(application.additional_occupations.all()),
        "hse_status": hse_status(application.operative),
    }


# -- The lists and an application's page --------------------------------------------------------------------------


# Rows a page of each section of Applications Requiring Attention shows.
ATTENTION_PAGE_SIZE = 50


def attention(request):
    """Four sections, each paginated on its own (`<section>_page`): one grouped count, then each page's rows."""
    portal_user = portal_user_of(request)
    counts = selectors.applications_attention_counts(portal_user)
    sections = {
        name: page_of(queryset, request, per_page=ATTENTION_PAGE_SIZE, param=f"{name}_page", count=counts[name])
        for name, queryset in selectors.applications_requiring_attention(portal_user).items()
    }
    for application in sections["finalised"]:
        application.hse_status = hse_status(application.operative)
    can_fill = holds(portal_user, Flag.FILL_IN_APPLICATIONS)
    if can_fill:
        for application in sections["in_progress"]:
            application.resume_url = resume_url(application)
    return render(
        request,
        "applications/attention.html",
        {
            **sections,
            "in_progress_rows": render_rows("in_progress.jinja", rows=sections["in_progress"], can_fill=can_fill),
            "finalised_rows": render_rows("finalised.jinja", rows=sections["finalised"]),
            "ordered_rows": render_rows("ordered.jinja", rows=sections["ordered"]),
            "action_rows": render_rows("needing_action.jinja", rows=sections["action"]),
            "can_fill": can_fill,
            "add_to_purchase_url": _url("orders:add_applications") if holds(portal_user, CHANGE_ORDERS) else "",
            "tab": "attention",
        },
    )


@require_http_methods(["GET", "POST"])
def unfinalise(request):
    """UNFINALISE n APPLICATIONS: the ticked finalised applications go back to in progress (asked first by GET)."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.VIEW_APPLICATIONS, Flag.FILL_IN_APPLICATIONS)
    data = request.POST if request.method == "POST" else request.GET
    ids = [int(v) for v in data.getlist("application") if v.isdigit()]
    if not ids:
        messages.error(request, "Tick the applications to unfinalise.")
        return redirect("applications:attention")
    if request.method == "GET":
        chosen = list(
            selectors.applications_in_scope(portal_user)
            .filter(pk__in=ids, status=CardApplication.Status.FINALISED)
            .select_related("operative")
            .order_by("reference")
        )
        if not chosen:
            messages.error(request, "None of the ticked applications is finalised.")
            return redirect("applications:attention")
        n = len(chosen)
        return confirmation_page(
            request,
            Confirmation(
                title=f"Unfinalise {n} application{'s' if n != 1 else ''}?",
                items=[f"{a.reference}: {a.operative.sort_name}" for a in chosen],
                consequences=[
                    f"{'They go' if n != 1 else 'It goes'} back to Applications In Progress, to be changed, and "
                    f"must be finalised again before {'they are' if n != 1 else 'it is'} added to an order.",
                ],
                button=f"Unfinalise {n} application{'s' if n != 1 else ''}",
                cancel_url=reverse("applications:attention") + "#finalised",
                hidden=[("application", a.pk) for a in chosen],
            ),
        )
    done, refused = [], []
    for application in selectors.applications_in_scope(portal_user).filter(pk__in=ids):
        try:
            services.card_application_unfinalise(application=application, actor=request.user)
            done.append(application.reference)
        except services.ApplicationError as exc:
            refused.append(str(exc))
    if done:
        messages.success(request, f"{len(done)} application{'s' if len(done) != 1 else ''} unfinalised.")
    for message in refused:
        messages.error(request, message)
    return redirect("applications:attention")


@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    portal_user, application, _ = _application(request, pk)
    require_flag(portal_user, Flag.FILL_IN_APPLICATIONS)
    if request.method == "GET":
        return confirmation_page(
            request,
            Confirmation(
                title=f"Withdraw application {application.reference}?",
                consequences=[
                    f"The application for {application.operative.full_name} ({application.card_type.name}) stops "
                    "and will not be ordered or sent to the JIB.",
                    "To apply for them again, start a new application from the employees list.",
                ],
                warning="A withdrawn application cannot be taken up again.",
                button="Withdraw the application",
                cancel_url=reverse("applications:detail", args=[application.pk]),
            ),
        )
    try:
        services.card_application_withdraw(application=application, actor=request.user)
        messages.success(request, f"Application {application.reference} is withdrawn.")
    except services.ApplicationError as exc:
        messages.error(request, str(exc))
    return redirect("applications:detail", pk=pk)


def _events(application: CardApplication) -> list:
    labels = dict(CardApplication.Status.choices)
    events = list(application.events.all())
    for event in events:
        event.from_label = labels.get(event.from_status, "")
        event.to_label = labels.get(event.to_status, "")
    return events


def detail(request, pk: int):
    portal_user = portal_user_of(request)
    application = selectors.card_application_detail(portal_user, pk=pk)
    can_fill = holds(portal_user, Flag.FILL_IN_APPLICATIONS)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "stages": selectors.stage_line(application),
            "events": _events(application),
            "can_edit": can_fill and application.is_editable,
            "can_withdraw": can_fill and application.can_be_withdrawn,
            "resume_url": resume_url(application),
            **_summary_context(application),
        },
    )  # fmt: skip
