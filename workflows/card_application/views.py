"""Task views of the card application process: show the case, validate, call a processing service, finish."""

from collections import Counter

from django import forms
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views import generic
from viewflow.workflow.flow.views import mixins

from portal.accounts.access import jib_application_document, jib_card_application
from portal.applications import services
from portal.applications.models import ApplicationDocument
from portal.applications.selectors import delivery_address
from portal.applications.services import ApplicationError
from portal.registry.card_face import card_face_pdf
from portal.registry.models import AwardingBody
from workflows.common.services import job_failure_reason
from workflows.common.templatetags.casework import readable, when, words

# What a person checks on every photo (the automated check judges what it can of the same guidance).
PHOTO_RULES = (
    "Head and shoulders, facing the camera, eyes open and visible",
    "A plain, light background, no other people or objects",
    "No hat or sunglasses (head coverings worn for religious or medical reasons are accepted)",
    "In focus, evenly lit, in colour, recent (taken in the last month)",
    "The same person as on the application (name, age)",
)
# Which task shows what: every task shows the facts, the photo and the findings.
SHOWS_DELIVERY = ("dispatch",)


def _iso_date(value: str) -> str:
    """An ISO date from a stored reading, as people read it."""
    from datetime import date

    try:
        return readable(date.fromisoformat(value)) if value else ""
    except ValueError:
        return value


def document_comparison(document, operative, body_names: dict[str, str]) -> dict:
    """A document beside what OCR read from it and what the awarding body answered: one row per thing compared,
    with what did not match; and the body's answer in words."""
    reading, body, problems = document.reading or {}, document.body_check or {}, dict(document.problems or {})
    found = body.get("found")

    def both(code, title):
        return " ".join(part for part in (code, title) if part)

    rows = [
        ("Name", operative.full_name, reading.get("candidate_name", ""),
         both(body.get("first_name", ""), body.get("last_name", "")), problems.pop("name", "")),
        ("Awarding body", str(document.awarding_body or ""),
         body_names.get(reading.get("awarding_body", ""), reading.get("awarding_body", "")),
         body.get("awarding_body", "") if found else "", problems.pop("awarding_body", "")),
        ("Qualification", str(document.qualification_type or ""),
         both(reading.get("qualification_code", ""), reading.get("qualification_title", "")),
         both(body.get("qualification_code", ""), body.get("qualification_title", "")),
         problems.pop("qualification", "")),
        ("Certificate number", document.certificate_number, reading.get("certificate_number", ""),
         body.get("certificate_number", ""), problems.pop("certificate_number", "")),
        ("Date awarded", readable(document.awarded_on) if document.awarded_on else "",
         _iso_date(reading.get("date_awarded", "")) or reading.get("month_awarded", ""),
         _iso_date(body.get("awarded_on", "")), problems.pop("date_awarded", "")),
    ]  # fmt: skip
    if found:
        answer = ("The certificate is valid" if body.get("valid") else "The certificate is no longer valid") + (
            f" (answered {when(body['checked_at'])})" if body.get("checked_at") else ""
        )
    elif found is False:
        answer = f"{body.get('awarding_body', 'The awarding body')} found no such certificate" + (
            f": {body['reason']}" if body.get("reason") else ""
        )
    else:
        answer = ""
    return {
        "rows": [row for row in rows if any(row[1:])],
        "answer": answer,
        "read": bool(reading),
        "unreadable": reading.get("readable") is False
        or bool(reading)
        and not any(reading.get(k) for k in ("candidate_name", "certificate_number", "awarding_body")),
        "other_problems": [problem for problem in problems.values() if problem],
    }


class CaseContextMixin(mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames):
    """The case beside the task's form: application, operative, documents with what was read and what the
    awarding body said, the pre-check findings, the history."""

    template_name = "card_application/backoffice/task.html"

    def dispatch(self, request, *args, **kwargs):
        self.application = jib_card_application(request.user, request.activation.process.artifact_object_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        process = self.request.activation.process
        application = self.application
        failed = process.task_set.filter(flow_task_type="JOB", data___exception__isnull=False).order_by("-pk").first()
        latest_job = process.task_set.filter(flow_task_type="JOB").order_by("-pk").first()
        documents = list(
            application.documents.select_related("awarding_body", "qualification_type", "reference_type", "decided_by")
        )
        flow = process.flow_class.instance
        body_names = dict(AwardingBody.objects.values_list("code", "name"))
        for d in documents:
            d.backoffice_url = flow.reverse("document", kwargs={"document_pk": d.pk}) if d.file else ""
            d.is_image = d.content_type in ("image/jpeg", "image/png")
            d.comparison = document_comparison(d, application.operative, body_names)
        node = self.request.activation.flow_task.name
        return super().get_context_data(
            application=application,
            operative=application.operative,
            documents=documents,
            documents_summary=words(
                f"{n} {status.lower()}" for status, n in Counter(d.get_status_display() for d in documents).items()
            ),
            events=application.events.select_related("actor"),
            failure_reason=job_failure_reason(task=failed) if failed and failed == latest_job else "",
            findings=services.card_application_findings(application=application),
            photo_url=flow.reverse("photo", kwargs={"application_pk": application.pk}) if application.photo else "",
            card_face_url=flow.reverse("card_face", kwargs={"application_pk": application.pk})
            if application.card_id
            else "",
            photo_rules=PHOTO_RULES,
            delivery=delivery_address(application=application),
            shows_delivery=node in SHOWS_DELIVERY,
            task_kind=node,
            **kwargs,
        )

    def finish(self, call, form):
        """Run the service; on a refusal show why beside the form, otherwise finish the task."""
        try:
            call()
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            return self.form_invalid(form)
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            ("approve", "Approve: the application is verified"),
            ("hold", "Put on hold: ask the employer for what is missing"),
            ("reject", "Reject the application"),
        ],
    )
    text = forms.CharField(
        label="What is missing, or the reason for rejecting",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to put on hold or to reject; the employer sees it in the portal.",
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for document in self.documents:
            decided = document.status in (ApplicationDocument.Status.ACCEPTED, ApplicationDocument.Status.REJECTED)
            what = document.qualification_type or document.reference_type or document.get_kind_display()
            self.fields[f"doc_{document.pk}"] = forms.ChoiceField(
                label=f"Document: {what}",
                required=False,
                widget=forms.RadioSelect,
                choices=[
                    ("", "Leave as it is" + (" (decided)" if decided else "")),
                    ("accept", "Accept"),
                    ("reject", "Reject"),
                ],
            )
            self.fields[f"doc_{document.pk}_note"] = forms.CharField(
                label="Note on this document", required=False, max_length=500
            )

    def document_decisions(self) -> dict[int, tuple[str, str]]:
        return {
            d.pk: (self.cleaned_data.get(f"doc_{d.pk}") or "", self.cleaned_data.get(f"doc_{d.pk}_note") or "")
            for d in self.documents
        }

    def document_rows(self):
        return [(d, self[f"doc_{d.pk}"], self[f"doc_{d.pk}_note"]) for d in self.documents]


class VerifyView(CaseContextMixin, generic.FormView):
    """The verification team: per-document decisions, then approve, hold or reject."""

    form_class = VerifyForm

    def get_form_kwargs(self):
        application = self.request.activation.process.application
        return {
            **super().get_form_kwargs(),
            "documents": application.documents.select_related("qualification_type", "reference_type"),
        }

    def form_valid(self, form):
        return self.finish(
            lambda: services.card_application_verification_decide(
                application=self.request.activation.process.application,
                actor=self.request.user,
                documents=form.document_decisions(),
                decision=form.cleaned_data["decision"],
                text=form.cleaned_data["text"],
            ),
            form,
        )


class ApproveForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve: prepare the card"), ("back", "Send back to verification")],
    )
    text = forms.CharField(
        label="Why it goes back",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to send the application back to verification.",
    )


class ApproveView(CaseContextMixin, generic.FormView):
    form_class = ApproveForm

    def form_valid(self, form):
        return self.finish(
            lambda: services.card_application_approval_decide(
                application=self.request.activation.process.application,
                actor=self.request.user,
                decision=form.cleaned_data["decision"],
                text=form.cleaned_data["text"],
            ),
            form,
        )


class DispatchForm(forms.Form):
    note = forms.CharField(
        label="Dispatch note",
        required=False,
        max_length=200,
        help_text="For example the postal tracking reference.",
    )


class DispatchView(CaseContextMixin, generic.FormView):
    form_class = DispatchForm

    def form_valid(self, form):
        return self.finish(
            lambda: services.card_application_dispatch(
                application=self.request.activation.process.application,
                actor=self.request.user,
                note=form.cleaned_data["note"],
            ),
            form,
        )


def document(request, document_pk: int, **kwargs):
    """An application's uploaded document, for the JIB teams who work card applications."""
    document = jib_application_document(request.user, document_pk)
    if not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/octet-stream",
        filename=f"document-{document.pk}",
        as_attachment=False,
    )


def photo(request, application_pk: int, **kwargs):
    """An application's photo, for the JIB teams who work card applications (never a public media address)."""
    application = jib_card_application(request.user, application_pk)
    if not application.photo:
        raise Http404
    file = application.photo.open("rb")
    head = file.read(8)
    file.seek(0)
    response = FileResponse(file, content_type="image/png" if head.startswith(b"\x89PNG") else "image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def card_face(request, application_pk: int, **kwargs):
    """The prepared card's face to print (a PDF the card's size: photo, holder, card and its QR code), for the JIB
    teams who work card applications."""
    application = jib_card_application(request.user, application_pk)
    if application.card_id is None:
        raise Http404
    photo = application.photo.open("rb") if application.photo else None
    try:
        pdf = card_face_pdf(card=application.card, photo=photo)
    finally:
        if photo is not None:
            photo.close()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ecs-card-{application.card.number}.pdf"'
    return response


def employer_page(request, **kwargs):
    """An employer's task is done on its portal page: the back office's link to the task leads there."""
    activation = request.activation
    return redirect(activation.flow_task.page_url(activation.process.artifact_object_id))
