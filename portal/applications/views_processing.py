"""The employer's pages after payment: endorsements, supplying what is missing, the JIB stages' lists."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from portal.applications import selectors, services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services import ApplicationError
from portal.core.forms import GovukForm
from portal.core.pagination import page_of
from portal.core.rows import render as render_rows
from portal.documents.validators import validate_document
from portal.organisations.access import access, holds, portal_user_of
from portal.organisations.permissions import Flag

PAGE_SIZE = 50
RELATED = ("operative", "card_type", "office", "main_occupation", "grade")


class EndorseForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("endorse", "Endorse"), ("decline", "Decline")],
        error_messages={"required": "Choose whether you endorse it."},
    )
    reason = forms.CharField(
        label="Why you decline",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        help_text="Required if you decline. The application carries on without the change.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required_when = "decline"  # neither required nor optional: the label says neither


def endorse(request, pk: int, which: str):
    portal_user = portal_user_of(request)
    if which not in selectors.ENDORSEMENT_FLAGS:
        raise Http404
    application = access(
        CardApplication.objects.select_related(*RELATED, "renews_card"),
        portal_user,
        flag=selectors.ENDORSEMENT_FLAGS[which],
        pk=pk,
    )
    waiting = application.awaits_endorsement(which)
    form = EndorseForm(request.POST or None)
    if request.method == "POST" and waiting and form.is_valid():
        try:
            services.card_application_endorse(
                application=application,
                actor=request.user,
                which=which,
                endorse=form.cleaned_data["decision"] == "endorse",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            said = "endorsed" if form.cleaned_data["decision"] == "endorse" else "declined to endorse"
            what = "the change in grading" if which == "grading" else "Qualified Supervisor status"
            messages.success(request, f"Application {application.reference}: you {said} {what}.")
            return redirect("applications:produced")
    card = selectors.reference_card(application=application) if which == "grading" else None
    return render(
        request,
        "applications/processing/endorse.html",
        {"application": application, "which": which, "form": form, "waiting": waiting, "current_card": card},
    )


class SupplyForm(GovukForm):
    answer = forms.CharField(
        label="Your answer",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
    )
    kind = forms.ChoiceField(
        label="What the document is",
        widget=forms.RadioSelect,
        choices=ApplicationDocument.Kind.choices,
        initial=ApplicationDocument.Kind.CERTIFICATE,
        required=False,
    )
    document = forms.FileField(
        label="Upload a document",
        required=False,
        help_text="A PDF, JPEG or PNG of at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
    )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            try:
                self.content_type = validate_document(upload)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return upload


def supply(request, pk: int):
    portal_user = portal_user_of(request)
    application = access(
        CardApplication.objects.select_related(*RELATED), portal_user, flag=Flag.FILL_IN_APPLICATIONS, pk=pk
    )
    waiting = application.status == CardApplication.Status.ON_HOLD
    form = SupplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and waiting and form.is_valid():
        try:
            services.card_application_supply(
                application=application,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                upload=form.cleaned_data.get("document"),
                content_type=getattr(form, "content_type", ""),
                kind=form.cleaned_data.get("kind") or ApplicationDocument.Kind.CERTIFICATE,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Application {application.reference} is back with the JIB for checking.")
            return redirect("applications:produced")
    return render(
        request, "applications/processing/supply.html", {"application": application, "form": form, "waiting": waiting}
    )


def produced(request):
    portal_user = portal_user_of(request)
    page = page_of(selectors.applications_being_produced(portal_user), request, per_page=PAGE_SIZE, non_null_order=True)
    for application in page:
        application.stage_hint = selectors.STAGE_HINTS.get(application.status, "")
    can = {
        "can_endorse_grading": holds(portal_user, Flag.ENDORSE_GRADING),
        "can_endorse_supervisor": holds(portal_user, Flag.ENDORSE_QUALIFIED_SUPERVISOR),
        "can_supply": holds(portal_user, Flag.FILL_IN_APPLICATIONS),
    }
    return render(
        request,
        "applications/processing/produced.html",
        {"page": page, "rows": render_rows("being_produced.jinja", rows=page, **can), "tab": "produced", **can},
    )


def completed(request):
    portal_user = portal_user_of(request)
    page = page_of(selectors.applications_completed(portal_user), request, per_page=PAGE_SIZE, non_null_order=True)
    context = {"page": page, "rows": render_rows("completed.jinja", rows=page), "tab": "completed"}
    return render(request, "applications/processing/completed.html", context)
