"""Back-office views of the BACS allocation process: validate, call an orders service, finish the task."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import generic
from viewflow.workflow.flow.views import mixins

from portal.accounts.access import FINANCE_TEAMS, jib_bank_statement, jib_bank_transfer, require_jib_team
from portal.orders import services
from portal.orders.models import BankStatement, BankTransfer, Order
from portal.orders.selectors import bacs_payers_matching, bank_statement_summary, order_totals, payable_orders_of
from portal.orders.templatetags.money import pounds
from portal.organisations.models import Organisation

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
        return HttpResponseRedirect(reverse("finance:statement", args=[statement.pk]))


class AllocateForm(forms.Form):
    """The finance team's decision: the organisation that paid is chosen by name or number (the search above the
    form), then the order the transfer pays among that organisation's orders waiting for payment."""

    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=BankTransfer.Decision.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_jib=False), widget=forms.HiddenInput, required=False
    )
    order = forms.ModelChoiceField(
        label="The order it pays",
        queryset=Order.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        help_text="To allocate: the organisation's orders waiting for payment.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to accept a shortfall or not to allocate.",
    )

    def __init__(self, *args, payer: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.payer = payer
        if payer is not None:
            self.fields["organisation"].initial = payer.pk
            self.fields["order"].queryset = payable_orders_of(organisation=payer)
            self.fields["order"].label_from_instance = lambda order: (
                f"{order.reference} (your reference “{order.your_reference}”): {pounds(order.total_pence)}, "
                f"{order.get_status_display().lower()}"
            )
        else:
            del self.fields["order"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in (BankTransfer.Decision.ALLOCATE, BankTransfer.Decision.CREDIT) and not data.get("organisation"):
            self.add_error(None, "Find and choose the organisation that paid, above.")
        return data


class AllocateView(mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames, generic.FormView):
    form_class = AllocateForm
    template_name = "orders/backoffice/allocate.html"

    def dispatch(self, request, *args, **kwargs):
        self.transfer = jib_bank_transfer(request.user, request.activation.process.artifact_object_id)
        self.payer = self._payer()
        return super().dispatch(request, *args, **kwargs)

    def _payer(self) -> Organisation | None:
        """The organisation chosen (?organisation= from the search, or the form's), else the referenced order's."""
        chosen = self.request.POST.get("organisation") or self.request.GET.get("organisation")
        if chosen:
            return Organisation.objects.filter(is_jib=False, pk=chosen).first() if chosen.isdigit() else None
        return self.transfer.order.organisation if self.transfer.order else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "payer": self.payer}

    def get_initial(self):
        order = self.transfer.order
        return {"order": order.pk if order and order.is_payable else None}

    def get_context_data(self, **kwargs):
        transfer = self.transfer
        order = transfer.order
        query = self.request.GET.get("q", "").strip()
        return super().get_context_data(
            transfer=transfer,
            order=order,
            order_total_pence=order_totals(order=order).total_pence if order else None,
            payer=self.payer,
            query=query,
            matches=bacs_payers_matching(query=query) if query else None,
            **kwargs,
        )

    def form_valid(self, form):
        transfer: BankTransfer = self.transfer
        try:
            services.bank_transfer_allocate(
                transfer=transfer,
                actor=self.request.user,
                decision=BankTransfer.Decision(form.cleaned_data["decision"]),
                order=form.cleaned_data.get("order"),
                organisation=form.cleaned_data.get("organisation"),
                note=form.cleaned_data["note"],
            )
        except services.OrderError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            return self.form_invalid(form)
        self.request.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


# --- Finance pages: the statements imported, what each import did, the transfers waiting for the finance team ---


def _open_allocations():
    """The open allocation tasks, with their transfer (for links to the task pages)."""
    from workflows.bacs_allocation.flows import BacsAllocationFlow

    return BacsAllocationFlow.task_class.objects.filter(
        flow_task=BacsAllocationFlow.allocate, status__in=["NEW", "ASSIGNED", "STARTED"]
    )


def _import_url() -> str:
    from workflows.bacs_allocation.flows import BacsAllocationFlow

    return BacsAllocationFlow.instance.reverse("import_statement:execute")


@login_required
def finance_index(request):
    require_jib_team(request.user, *FINANCE_TEAMS)
    statements = list(BankStatement.objects.select_related("imported_by")[:20])
    for statement in statements:
        statement.summary = bank_statement_summary(statement=statement)
    return render(
        request,
        "orders/backoffice/finance.html",
        {"statements": statements, "waiting": _open_allocations().count(), "import_url": _import_url()},
    )


@login_required
def statement_detail(request, pk: int):
    statement = jib_bank_statement(request.user, pk)
    transfers = list(statement.transfers.select_related("order__organisation", "decided_by"))
    tasks = {
        task.process.artifact_object_id: task
        for task in _open_allocations()
        .filter(process__artifact_object_id__in=[t.pk for t in transfers])
        .select_related("process")
    }
    for transfer in transfers:
        task = tasks.get(transfer.pk)
        transfer.task_url = task.flow_task.reverse("index", args=[task.process_id, task.pk]) if task else ""
    return render(
        request,
        "orders/backoffice/statement.html",
        {
            "statement": statement,
            "summary": bank_statement_summary(statement=statement),
            "transfers": transfers,
            "import_url": _import_url(),
        },
    )
