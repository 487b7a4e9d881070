"""Task views of the licence process: validate, call a licensing service, finish the task."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.views import generic
from viewflow.workflow.flow.views import mixins

from portal.accounts.access import jib_licence_application
from portal.licensing import services
from portal.licensing.models import LicenceApplication
from portal.organisations import services as org_services
from portal.organisations.models import Office
from workflows.licence.selectors import licence_checks_failure_reason


class CaseContextMixin(mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames):
    template_name = "licensing/backoffice/task.html"

    def dispatch(self, request, *args, **kwargs):
        self.application = jib_licence_application(request.user, request.activation.process.artifact_object_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        application = self.application
        process = self.request.activation.process
        checks = process.task_set.filter(flow_task=process.flow_class.checks, finished__isnull=False)
        checks = checks.order_by("-pk").first()
        return super().get_context_data(
            application=application,
            events=application.events.select_related("actor"),
            checks_finished_at=checks.finished if checks else None,
            **kwargs,
        )


class CheckManuallyForm(forms.Form):
    notes = forms.CharField(
        label="What you checked and found",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The automated checks could not finish. Check the company, membership and duplicates by hand.",
    )


class CheckManuallyView(CaseContextMixin, generic.FormView):
    form_class = CheckManuallyForm

    def get_context_data(self, **kwargs):
        reason = licence_checks_failure_reason(process=self.request.activation.process)
        return super().get_context_data(failure_reason=reason, **kwargs)

    def form_valid(self, form):
        application = self.request.activation.process.application
        try:
            services.licence_application_record_manual_checks(
                application=application, actor=self.request.user, notes=form.cleaned_data["notes"]
            )
        except services.LicensingError as exc:
            form.add_error(exc.field, str(exc))
            return self.form_invalid(form)
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=LicenceApplication.Decision.choices,
    )
    text = forms.CharField(
        label="Reason, or the information needed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to reject or to ask for information; the applicant receives it by email.",
    )


class VerifyView(CaseContextMixin, generic.FormView):
    form_class = VerifyForm

    def form_valid(self, form):
        application = self.request.activation.process.application
        try:
            services.licence_application_decide(
                application=application,
                actor=self.request.user,
                decision=LicenceApplication.Decision(form.cleaned_data["decision"]),
                text=form.cleaned_data["text"],
            )
        except services.LicensingError as exc:
            form.add_error(exc.field, str(exc))
            return self.form_invalid(form)
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


class OfficeForm(forms.Form):
    name = forms.CharField(label="Office or region name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=[("region", "Region"), ("office", "Office")])
    parent = forms.ModelChoiceField(label="Below", queryset=Office.objects.none(), empty_label=None)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Office.objects.filter(organisation=organisation)


class OfficeSetupView(CaseContextMixin, generic.FormView):
    """The office structure editor: agreed with the Primary User, then the licence is granted."""

    form_class = OfficeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.request.activation.process.application.organisation}

    def get_context_data(self, **kwargs):
        organisation = self.request.activation.process.application.organisation
        return super().get_context_data(offices=Office.objects.filter(organisation=organisation), **kwargs)

    def post(self, request, *args, **kwargs):
        if "_rename" in request.POST or "_remove" in request.POST:
            return self._change_office(request)
        if "_grant" in request.POST:
            try:
                services.licence_application_finish_set_up(
                    application=self.request.activation.process.application, actor=request.user
                )
            except services.LicensingError as exc:
                form = self.get_form_class()(organisation=self.request.activation.process.application.organisation)
                form.add_error(None, str(exc))
                return self.form_invalid(form)
            self.request.activation.execute()
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def _change_office(self, request):
        """Rename or remove one office of the case's organisation (the case was fetched through the access helper)."""
        organisation = self.request.activation.process.application.organisation
        office = Office.objects.filter(organisation=organisation, pk=request.POST.get("office") or 0).first()
        if office is None:
            raise Http404
        try:
            if "_remove" in request.POST:
                org_services.office_remove(office=office)
                messages.success(request, f"{office.name} removed.")
            else:
                office = org_services.office_rename(office=office, name=request.POST.get("name", ""))
                messages.success(request, f"Renamed to {office.name}.")
        except org_services.AdministrationError as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(self.request.path)

    def form_valid(self, form):
        organisation = self.request.activation.process.application.organisation
        try:
            org_services.office_create(
                organisation=organisation,
                parent=form.cleaned_data["parent"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except org_services.AdministrationError as exc:
            form.add_error("name", str(exc))
            return self.form_invalid(form)
        return HttpResponseRedirect(self.request.path)
