"""Task views of the card application process: show the case, validate, call a processing service, finish."""

from django import forms
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.views import generic
from viewflow.workflow.flow.views import mixins

from portal.accounts.access import jib_application_document, jib_card_application
from portal.applications import services
from portal.applications.models import ApplicationDocument
from portal.applications.services import ApplicationError
from workflows.common.services import job_failure_reason


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
        for d in documents:
            d.backoffice_url = flow.reverse("document", kwargs={"document_pk": d.pk}) if d.file else ""
        return super().get_context_data(
            application=application,
            operative=application.operative,
            documents=documents,
            events=application.events.select_related("actor"),
            failure_reason=job_failure_reason(task=failed) if failed and failed == latest_job else "",
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


def employer_page(request, **kwargs):
    """An employer's task is done on its portal page: the back office's link to the task leads there."""
    activation = request.activation
    return redirect(activation.flow_task.page_url(activation.process.artifact_object_id))
