"""Step 2 of a card application: qualifications & documents, and the HS&E requirement."""

from datetime import date

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal.applications import selectors, services
from portal.applications.document_forms import (
    CertificateDetailsForm,
    HseForm,
    ReferenceDetailsForm,
    SourceForm,
    UploadForm,
    source_choices,
)
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services import ApplicationError
from portal.core.confirm import Confirmation, confirmation_page
from portal.organisations.access import access, holds, portal_user_of
from portal.organisations.permissions import Flag
from portal.registry.models import AwardingBody, ReferenceType
from portal.registry.selectors import valid_hse_pass

Doc = ApplicationDocument
# Seconds between looks at a document still being read (the page's script; the no-script page refreshes itself).
POLL_SECONDS = 2
REFRESH_SECONDS = 5
PROBLEM_LABELS = {
    "name": "Name",
    "certificate_number": "Certificate",
    "awarding_body": "Awarding body",
    "qualification": "Qualification",
    "date_awarded": "Date awarded",
    "date_of_birth": "Date of birth",
    "learner_reference": "ULN",
    "valid": "Validity",
    "reading": "Reading",
    "check": "Check",
}


def _application(request, pk: int, *, flag: Flag) -> CardApplication:
    portal_user = portal_user_of(request)
    application = access(
        CardApplication.objects.select_related("operative", "card_type", "office", "hse_result", "hse_exemption"),
        portal_user,
        flag=flag,
        office_field="office",
        pk=pk,
    )
    return application


def _matched(document: ApplicationDocument) -> list[str]:
    """What agreed, in words, to show beside what did not."""
    if document.status == Doc.Status.READING:
        return []
    problems, check, read = document.problems or {}, document.body_check or {}, document.reading or {}
    items = []
    if read.get("candidate_name") and "name" not in problems:
        items.append("The name on the certificate matches the ECS record.")
    if check.get("found"):
        items.append(
            f"{check['awarding_body']} holds certificate {check.get('certificate_number', '')} for the applicant."
        )
        if document.qualification_type_id and "qualification" not in problems:
            items.append(f"The qualification is {document.qualification_type.title}, recognised by the ECS scheme.")
        if "date_awarded" not in problems and check.get("awarded_on"):
            items.append("The date awarded agrees.")
        if check.get("valid") and "valid" not in problems:
            items.append("The certificate is valid.")
    return items


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _source(value: str):
    """The awarding body or reference type a `body-<pk>` / `ref-<pk>` choice names (None if it names neither)."""
    kind, _, pk = (value or "").partition("-")
    if not pk.isdigit():
        return None
    if kind == "body":
        return AwardingBody.objects.filter(pk=pk, is_active=True).first()
    if kind == "ref":
        return ReferenceType.objects.filter(pk=pk).first()
    return None


def _details_form(source, data=None, files=None, value: str = ""):
    if isinstance(source, AwardingBody):
        return CertificateDetailsForm(data, body=source, initial={"source": value})
    if isinstance(source, ReferenceType):
        return ReferenceDetailsForm(data, files, reference_type=source, initial={"source": value})
    return None


def _step_url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _render(request, application: CardApplication, *, status: int = 200, **forms):
    portal_user = portal_user_of(request)
    can_edit = application.is_editable and holds(portal_user, Flag.FILL_IN_APPLICATIONS)
    documents = list(selectors.application_documents(application=application))
    for document in documents:
        document.problem_list = [(PROBLEM_LABELS.get(k, k.title()), v) for k, v in (document.problems or {}).items()]
        document.matched = _matched(document)
        document.read_awarded_on = _iso_date((document.reading or {}).get("date_awarded"))
        document.body_awarded_on = _iso_date((document.body_check or {}).get("awarded_on"))
    certificates = [d for d in documents if d.kind != Doc.Kind.HSE_EXEMPTION]
    evidence = [d for d in documents if d.kind == Doc.Kind.HSE_EXEMPTION]
    reading = any(d.status == Doc.Status.READING for d in documents)
    reading_since = min((d.updated_at for d in documents if d.status == Doc.Status.READING), default=None)
    valid_result = valid_hse_pass(operative_id=application.operative_id)
    source_value = request.GET.get("source") or request.POST.get("manual-source", "")
    source = forms.pop("source", None) or _source(source_value)
    context = {
        "application": application,
        "operative": application.operative,
        "current": 2,
        "can_edit": can_edit,
        "certificates": certificates,
        "evidence": evidence,
        "reading": reading,
        "reading_note": selectors.document_reading_note(reading_since=reading_since, now=timezone.now()),
        "valid_result": valid_result,
        "hse_problem": selectors.hse_problem(application=application),
        "step_problems": selectors.card_application_step2_problems(application=application) if can_edit else [],
        "poll_seconds": POLL_SECONDS,
        "refresh_seconds": REFRESH_SECONDS,
        "status_url": reverse("applications:document_status", args=[application.pk]),
        "step1_url": _step_url("applications:step1", application.pk),
        "step3_url": _step_url("applications:step3", application.pk),
    }
    if can_edit:
        context.update(
            upload_form=forms.get("upload_form") or UploadForm(),
            source_form=SourceForm(
                initial={"source": source_value if source else ""}, choices=source_choices(), auto_id="id_source_%s"
            ),
            source=source,
            details_form=forms.get("details_form") or _details_form(source, value=source_value),
            hse_form=forms.get("hse_form")
            or HseForm(
                initial={
                    "route": application.hse_route,
                    "hse_exemption": application.hse_exemption_id,
                    "hse_sitting": application.hse_sitting,
                },
                has_evidence=bool(evidence),
                valid_result=valid_result,
            ),
        )
    context["error_forms"] = [f for f in forms.values() if f is not None and f.is_bound and f.errors]
    return render(request, "applications/step2.html", context, status=status)


def step2(request, pk: int):
    application = _application(request, pk, flag=Flag.VIEW_APPLICATIONS)
    return _render(request, application)


def document_status(request, pk: int):
    """What each document's reading has come to (the page polls this while a document is being read)."""
    application = _application(request, pk, flag=Flag.VIEW_APPLICATIONS)
    rows = list(application.documents.order_by("pk").values_list("pk", "status", "updated_at"))
    labels = dict(Doc.Status.choices)
    since = min((at for _, status, at in rows if status == Doc.Status.READING), default=None)
    return JsonResponse(
        {
            "reading": sum(1 for _, status, _ in rows if status == Doc.Status.READING),
            "note": selectors.document_reading_note(reading_since=since, now=timezone.now()),
            "documents": [{"id": pk, "status": status, "label": labels[status]} for pk, status, _ in rows],
        }
    )


@require_POST
def document_upload(request, pk: int):
    application = _application(request, pk, flag=Flag.FILL_IN_APPLICATIONS)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            services.application_document_upload(
                application=application, actor=request.user, file=file, content_type=file.validated_content_type
            )
        except ApplicationError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "The document is uploaded and is being read.")
            return redirect(reverse("applications:step2", args=[pk]) + "#documents")
    return _render(request, application, upload_form=form)


@require_POST
def document_enter(request, pk: int):
    """CHECK DETAILS (a certificate: checked with the awarding body) or ADD (a reference, checked by the JIB)."""
    application = _application(request, pk, flag=Flag.FILL_IN_APPLICATIONS)
    value = request.POST.get("manual-source", "")
    source = _source(value)
    if source is None:
        messages.error(request, "Choose the awarding body or reference type.")
        return redirect(reverse("applications:step2", args=[pk]) + "#manual")
    form = _details_form(source, request.POST, request.FILES, value=value)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(source, AwardingBody):
                services.application_document_enter_certificate(
                    application=application,
                    actor=request.user,
                    awarding_body=source,
                    certificate_number=data["certificate_number"],
                    qualification_type=data["qualification_type"],
                    awarded_on=data["awarded_on"],
                    learner_reference=data.get("learner_reference") or "",
                )
                messages.success(request, f"Checking the details with {source.name}.")
            else:
                file = data.get("file")
                services.application_document_enter_reference(
                    application=application,
                    actor=request.user,
                    reference_type=source,
                    details=data["details"],
                    file=file,
                    content_type=getattr(file, "validated_content_type", ""),
                )
                messages.success(request, f"The {source.name.lower()} is added for the JIB to check.")
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(reverse("applications:step2", args=[pk]) + "#documents")
    return _render(request, application, details_form=form, source=source)


def _document(request, pk: int, document_pk: int, *, flag: Flag) -> ApplicationDocument:
    application = _application(request, pk, flag=flag)
    document = application.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404
    document.application = application
    return document


@require_POST
def document_manual_check(request, pk: int, document_pk: int):
    document = _document(request, pk, document_pk, flag=Flag.FILL_IN_APPLICATIONS)
    try:
        services.application_document_for_manual_check(document=document, actor=request.user)
        messages.success(request, "The document is kept for the JIB to check by hand.")
    except ApplicationError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("applications:step2", args=[pk]) + "#documents")


@require_http_methods(["GET", "POST"])
def document_remove(request, pk: int, document_pk: int):
    document = _document(request, pk, document_pk, flag=Flag.FILL_IN_APPLICATIONS)
    if request.method == "GET":
        named = document.qualification_type or document.awarding_body or document.reference_type
        what = document.get_kind_display().lower() + (f" ({named})" if named else "")
        return confirmation_page(
            request,
            Confirmation(
                title="Remove this document?",
                consequences=[
                    f"The {what} is removed from application {document.application.reference}, with its file.",
                    "If it was what a qualification or the HS&E requirement rested on, that step will need "
                    "another document before the application can be finalised.",
                ],
                button="Remove the document",
                cancel_url=reverse("applications:step2", args=[pk]) + "#documents",
            ),
        )
    try:
        services.application_document_remove(document=document, actor=request.user)
        messages.success(request, "The document is removed.")
    except ApplicationError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("applications:step2", args=[pk]) + "#documents")


def document_file(request, pk: int, document_pk: int):
    """The uploaded file, to whoever may see the application (never a public media URL)."""
    document = _document(request, pk, document_pk, flag=Flag.VIEW_APPLICATIONS)
    if not document.file:
        raise Http404
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/octet-stream",
        filename=f"document-{document.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def step2_hse(request, pk: int):
    application = _application(request, pk, flag=Flag.FILL_IN_APPLICATIONS)
    has_evidence = application.documents.filter(kind=Doc.Kind.HSE_EXEMPTION).exists()
    valid_result = valid_hse_pass(operative_id=application.operative_id)
    form = HseForm(request.POST, request.FILES, has_evidence=has_evidence, valid_result=valid_result)
    if form.is_valid():
        data = form.cleaned_data
        evidence = data.get("evidence")
        try:
            services.card_application_choose_hse(
                application=application,
                actor=request.user,
                route=data["route"],
                hse_exemption=data.get("hse_exemption"),
                hse_sitting=data.get("hse_sitting") or "",
                evidence=evidence,
                evidence_content_type=getattr(evidence, "validated_content_type", ""),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The HS&E choice is saved.")
            return redirect(reverse("applications:step2", args=[pk]) + "#hse")
    return _render(request, application, hse_form=form)


@require_POST
def step2_next(request, pk: int):
    application = _application(request, pk, flag=Flag.FILL_IN_APPLICATIONS)
    try:
        services.card_application_complete_step2(application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("applications:step2", pk=pk)
    step3 = _step_url("applications:step3", pk)
    if step3 is None:
        messages.success(request, "Step 2 is complete.")
        return redirect("applications:step2", pk=pk)
    return redirect(step3)
