"""Back-office views of the BACS allocation process: validate, call an orders service, finish the task."""

from django import forms
from django.http import HttpResponseRedirect
from django.views import generic
from viewflow.workflow.flow.views import mixins

from portal.accounts.access import FINANCE_TEAMS, jib_bank_transfer, require_jib_team
from portal.orders import services
from portal.orders.models import BankTransfer
from portal.orders.selectors import order_totals

MAX_STATEMENT_BYTES = 2 * 1024 * 1024


class ImportStatementForm(forms.Form):
    statement = forms.FileField(
        label="Bank statement (CSV)",
        help_text="Columns Date, Description and Amount (or Credit / Paid in). Credits quoting an ECS reference "
        "for exactly the order total pay the order; the rest become allocation tasks.",
    )

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError("The statement is larger than 2 MB.")
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The statement must be a CSV text file (UTF-8).") from None


class ImportStatementView(mixins.TaskSuccessUrlMixin, generic.FormView):
    form_class = ImportStatementForm
    template_name = "orders/backoffice/import_statement.html"

    def dispatch(self, request, *args, **kwargs):
        require_jib_team(request.user, *FINANCE_TEAMS)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        name, content = form.cleaned_data["statement"]
        try:
            statement = services.bank_statement_import(content=content, name=name, actor=self.request.user)
        except services.StatementError as exc:
            form.add_error("statement", str(exc))
            return self.form_invalid(form)
        self.request.activation.process.artifact = statement
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


class AllocateForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=BankTransfer.Decision.choices)
    order_reference = forms.CharField(label="Order reference (ECS and 7 digits)", max_length=12, required=False)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to accept a shortfall or not to allocate.",
    )


class AllocateView(mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames, generic.FormView):
    form_class = AllocateForm
    template_name = "orders/backoffice/allocate.html"

    def dispatch(self, request, *args, **kwargs):
        self.transfer = jib_bank_transfer(request.user, request.activation.process.artifact_object_id)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        transfer = self.transfer
        return {"order_reference": transfer.order.reference if transfer.order else transfer.reference_found}

    def get_context_data(self, **kwargs):
        transfer = self.transfer
        order = transfer.order
        return super().get_context_data(
            transfer=transfer,
            order=order,
            order_total_pence=order_totals(order=order).total_pence if order else None,
            **kwargs,
        )

    def form_valid(self, form):
        transfer: BankTransfer = self.transfer
        try:
            services.bank_transfer_allocate(
                transfer=transfer,
                actor=self.request.user,
                decision=BankTransfer.Decision(form.cleaned_data["decision"]),
                order_reference=form.cleaned_data["order_reference"],
                note=form.cleaned_data["note"],
            )
        except services.OrderError as exc:
            form.add_error(exc.field, str(exc))
            return self.form_invalid(form)
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())
