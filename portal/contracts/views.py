"""ECS Check portal pages: the contract lists (the user guide's sections), a contract with its supply chain, live
workforce status and compliance summary, and the forms that change them. Every page fetches through
portal.contracts.access; the rules are in services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.contracts import selectors, services
from portal.contracts.access import (
    ANSWER_INVITATIONS,
    ANY_CONTRACT_FLAG,
    contract_access,
    invitation_access,
    invitation_emails,
    own_worker,
    party_in_branch,
    require_check,
)
from portal.contracts.forms import AsAtForm, ContractForm, InviteForm, RequirementForm, WorkerForm, WorkerOffForm
from portal.contracts.models import Contract, ContractParty
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.pagination import page_of
from portal.employees.models import Employment
from portal.organisations.access import AnyOf, holds, portal_user_of, scope
from portal.organisations.permissions import Flag

PAGE_SIZE = 25
CHAIN_PAGE_SIZE = 25
WORKERS_PAGE_SIZE = 50
LIST_FLAG = AnyOf(Flag.VIEW_CONTRACTS, Flag.CREATE_CONTRACTS)
SECTION_TITLES = {
    "setting_up": "Contracts Being Set Up",
    "in_progress": "Contracts in Progress",
    "completed": "Contracts Completed",
}


def _form_error(form, exc: services.ContractError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def contract_list(request, section: str = "in_progress"):
    portal_user = portal_user_of(request)
    require_check(portal_user, LIST_FLAG)
    if section not in SECTION_TITLES:
        raise Http404
    contracts = selectors.contract_list(portal_user.organisation_id, section=section)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = (
        selectors.invitations_for(portal_user.organisation_id, emails=invitation_emails(portal_user)).count()
        if holds(portal_user, ANSWER_INVITATIONS)
        else 0
    )
    return render(
        request,
        "contracts/list.html",
        {
            "page": page,
            "section": section,
            "title": SECTION_TITLES[section],
            "sections": SECTION_TITLES,
            "can_create": holds(portal_user, Flag.CREATE_CONTRACTS),
            "waiting_invitations": waiting,
        },
    )


def contract_create(request):
    portal_user = portal_user_of(request)
    require_check(portal_user, Flag.CREATE_CONTRACTS)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                client=portal_user.organisation, created_by=request.user, **form.cleaned_data
            )
        except services.ContractError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, f"Contract {contract.name} created. Add what you expect of the workers, then invite companies."
            )
            return redirect("contracts:detail", contract.pk)
    return render(request, "contracts/form.html", {"form": form, "title": "Create New Contract"})


def contract_edit(request, pk: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.CREATE_CONTRACTS)
    if not view.is_client:
        raise Http404
    contract = view.contract
    initial = {name: getattr(contract, name) for name in ContractForm.base_fields}
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(contract=contract, actor=request.user, **form.cleaned_data)
        except services.ContractError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Contract details saved.")
            return redirect("contracts:detail", contract.pk)
    return render(
        request, "contracts/form.html", {"form": form, "title": f"Change {contract.name}", "contract": contract}
    )


def contract_detail(request, pk: int, party_id: int | None = None):
    """A contract's page, or one company's branch of its supply chain (`party_id`) on a page of its own.

    The supply chain is shown a level at a time: below the client, its tier-1 companies; for a company, itself and
    its own subcontractors; on a branch's page, that company and the companies it invited. Each with the companies
    and current workers of its branch, paginated. The workforce (keys first) and the compliance summary cover the
    part shown: the whole contract for the client, the company's branch otherwise."""
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=ANY_CONTRACT_FLAG)
    contract, party = view.contract, view.party
    branch = party_in_branch(view, party_id=party_id) if party_id is not None else None
    if branch is not None and party is not None and branch.pk == party.pk:
        return redirect("contracts:detail", contract.pk)  # a company's own branch is its view of the contract
    head = branch or party  # the company whose part is shown (None: the client's whole chain)
    can_view = holds(portal_user, Flag.VIEW_CONTRACTS)
    requirements = list(
        contract.requirements.select_related("card_type_family", "occupation", "minimum_grade__occupation")
    )
    figures = selectors.chain_figures(contract, head)
    chain = page_of(
        selectors.chain_members(contract, head),
        request,
        per_page=CHAIN_PAGE_SIZE,
        param="companies",
        rows=selectors.chain_member_rows,
        count=figures.members,
    )
    for member in chain.object_list:
        figures.add_to(member)
    if head is not None:
        figures.add_to(head)
    can_edit = view.is_client and contract.is_open and holds(portal_user, Flag.CREATE_CONTRACTS)
    can_invite = contract.is_open and (
        (view.is_client and holds(portal_user, Flag.CREATE_CONTRACTS))
        or (party is not None and holds(portal_user, Flag.ADD_SUBCONTRACTORS))
    )
    context = {
        "contract": contract,
        "party": party,
        "branch": branch,
        "head": head,
        "here": reverse("contracts:branch", args=[contract.pk, branch.pk])
        if branch
        else reverse("contracts:detail", args=[contract.pk]),
        "ancestors": selectors.branch_ancestors(contract, party, branch) if branch else [],
        "is_client": view.is_client,
        "requirements": requirements,
        "chain": chain,
        "figures": figures,
        "can_view": can_view,
        "can_edit": can_edit,
        "can_invite": can_invite,
        "can_manage_workers": contract.is_open
        and party is not None
        and holds(portal_user, Flag.MANAGE_CONTRACT_WORKERS),
        "today": timezone.localdate(),
    }
    if can_view:
        as_at_form = AsAtForm(request.GET if "as_at" in request.GET else None)
        as_at = as_at_form.cleaned_data["as_at"] if as_at_form.is_bound and as_at_form.is_valid() else None
        summary = selectors.compliance_summary(contract, head, as_at=as_at, requirements=requirements)
        with_status = selectors.contract_workers_queryset(contract, viewer_party=head, as_at=as_at)
        status = request.GET.get("status", "")
        if status == "attention":
            workers = with_status.exclude(card_status="valid", hse_status="valid")
            count = summary.listed_needing_attention
        else:
            workers = selectors.contract_workers_on(contract, viewer_party=head, as_at=as_at)
            count = summary.total
        # The page's keys first (names sorted; no status worked out unless filtering by it; Next seeks by the last
        # name of the page), then its 50 workers with their status. The summary gave the count.
        page = page_of(
            workers.order_by("operative__last_name", "operative__first_name", "pk"),
            request,
            per_page=WORKERS_PAGE_SIZE,
            rows=lambda _, keys: with_status.filter(pk__in=keys).select_related("operative", "party__organisation"),
            count=count,
        )
        context.update(
            {
                "summary": summary,
                "page": page,
                "rows": selectors.worker_rows(page.object_list, requirements=requirements),
                "status_filter": status,
                "as_at_form": as_at_form,
                "as_at": as_at,
                "day": as_at or context["today"],
                "query": urlencode(
                    {k: v for k, v in (("status", status), ("as_at", as_at and as_at.isoformat())) if v}
                ),
                "events": selectors.contract_events(contract, party) if branch is None else [],
            }
        )
    return render(request, "contracts/detail.html", context)


def requirement_add(request, pk: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.CREATE_CONTRACTS)
    if not view.is_client:
        raise Http404
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_requirement_add(contract=view.contract, actor=request.user, **form.cleaned_data)
        except services.ContractError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Requirement added.")
            return redirect("contracts:detail", view.contract.pk)
    return render(
        request,
        "contracts/form.html",
        {"form": form, "title": "Add a requirement", "contract": view.contract, "button": "Add the requirement"},
    )


@require_POST
def requirement_remove(request, pk: int, requirement_id: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.CREATE_CONTRACTS)
    if not view.is_client:
        raise Http404
    requirement = view.contract.requirements.filter(pk=requirement_id).first()
    if requirement is None:
        raise Http404
    try:
        services.contract_requirement_remove(requirement=requirement, actor=request.user)
        messages.success(request, "Requirement removed.")
    except services.ContractError as exc:
        messages.error(request, str(exc))
    return redirect("contracts:detail", pk)


def invite(request, pk: int):
    """The client invites tier-1 companies; a company in the chain invites its own subcontractors below it."""
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=ANY_CONTRACT_FLAG)
    require_check(portal_user, Flag.CREATE_CONTRACTS if view.is_client else Flag.ADD_SUBCONTRACTORS)
    contract = view.contract
    form = InviteForm(request.POST or None, exclude_organisation_ids=[contract.client_id, portal_user.organisation_id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            party = services.party_invite(
                contract=contract,
                invited_by=request.user,
                parent=view.party,
                organisation=data["organisation"],
                invited_email=data["invited_email"],
                invited_name=data["invited_name"],
                role=data["role"],
            )
        except services.ContractError as exc:
            _form_error(form, exc)
        else:
            how = "" if party.organisation_id else " by email, to apply for a licence"
            messages.success(request, f"{party.display_name} invited{how}.")
            return redirect("contracts:detail", contract.pk)
    title = "Invite a company" if view.is_client else "Invite a subcontractor"
    return render(
        request, "contracts/invite.html", {"form": form, "title": title, "contract": contract, "party": view.party}
    )


def party_remove(request, pk: int, party_id: int):
    """Whoever invited a company (the client for tier 1, the parent company below) may take it out of the chain."""
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=ANY_CONTRACT_FLAG)
    target = party_in_branch(view, party_id=party_id)
    if view.is_client:
        require_check(portal_user, Flag.CREATE_CONTRACTS)
        if target.parent_id is not None:
            raise Http404
    else:
        require_check(portal_user, Flag.ADD_SUBCONTRACTORS)
        if target.parent_id != view.party.pk:
            raise Http404
    if target.status in (ContractParty.Status.REMOVED, ContractParty.Status.DECLINED, ContractParty.Status.EXPIRED):
        raise Http404
    if request.method != "POST":
        return confirmation_page(
            request,
            Confirmation(
                title=f"Remove {target.display_name} from {view.contract.name}?",
                consequences=[
                    "The company and every company it invited below it leave the supply chain.",
                    "Their workers come off the contract today; the contract's history keeps them.",
                ],
                button="Remove the company",
                cancel_url=reverse("contracts:detail", args=[pk]),
            ),
        )
    services.party_remove(party=target, actor=request.user)
    messages.success(request, f"{target.display_name} removed from the supply chain.")
    return redirect("contracts:detail", pk)


@require_POST
def go_live(request, pk: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.CREATE_CONTRACTS)
    if not view.is_client:
        raise Http404
    try:
        services.contract_go_live(contract=view.contract, actor=request.user)
        messages.success(request, "The contract is in progress.")
    except services.ContractError as exc:
        messages.error(request, str(exc))
    return redirect("contracts:detail", pk)


def cancel(request, pk: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.CREATE_CONTRACTS)
    if not view.is_client or not view.contract.is_open:
        raise Http404
    if request.method != "POST":
        return confirmation_page(
            request,
            Confirmation(
                title=f"Cancel {view.contract.name}?",
                consequences=[
                    "The contract moves to Contracts Completed, marked cancelled.",
                    "Invitations not yet answered expire; the supply chain and its workers can no longer change.",
                ],
                button="Cancel the contract",
                cancel_url=reverse("contracts:detail", args=[pk]),
                warning="A cancelled contract cannot be reopened.",
            ),
        )
    services.contract_cancel(contract=view.contract, actor=request.user)
    messages.success(request, f"{view.contract.name} is cancelled.")
    return redirect("contracts:detail", pk)


def invitations(request):
    portal_user = portal_user_of(request)
    require_check(portal_user, ANSWER_INVITATIONS)
    waiting = Paginator(
        selectors.invitations_for(portal_user.organisation_id, emails=invitation_emails(portal_user)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "contracts/invitations.html", {"page": waiting, "today": timezone.localdate()})


@require_POST
def invitation_answer(request, party_id: int):
    portal_user = portal_user_of(request)
    party = invitation_access(portal_user, party_id=party_id)
    accept = request.POST.get("answer") == "accept"
    try:
        if party.organisation_id is None:  # sent by email before the company held a licence
            party = services.party_link_organisation(
                party=party, organisation=portal_user.organisation, actor=request.user
            )
        services.party_respond(party=party, accept=accept, responded_by=request.user)
    except services.ContractError as exc:
        messages.error(request, str(exc))
        return redirect("contracts:invitations")
    if accept:
        messages.success(request, f"You joined the supply chain of {party.contract.name}.")
        return redirect("contracts:detail", party.contract_id)
    messages.success(request, f"You declined the invitation to {party.contract.name}.")
    return redirect("contracts:invitations")


def _employments(portal_user, contract: Contract):
    """The company's current employees the user may place (their office subtree), not on the contract now."""
    on_contract = contract.workers.filter(removed_at__isnull=True).values("operative_id")
    return (
        scope(Employment.objects.filter(left_on__isnull=True), portal_user, flag=None)
        .exclude(operative_id__in=on_contract)
        .select_related("operative", "office")
        .order_by("operative__last_name", "operative__first_name")
    )


def worker_add(request, pk: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.MANAGE_CONTRACT_WORKERS)
    if view.is_client:
        raise Http404
    employments = list(_employments(portal_user, view.contract))
    form = WorkerForm(
        request.POST or None,
        employments=employments,
        initial={"on_from": max(view.contract.starts_on, timezone.localdate()), "role": "operative"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((e for e in employments if e.pk == data["employment"]), None)
        if chosen is None:
            form.add_error("employment", "Choose one of your company's current employees.")
        else:
            try:
                worker = services.contract_worker_add(
                    party=view.party,
                    employment=chosen,
                    added_by=request.user,
                    on_from=data["on_from"],
                    off_from=data["off_from"],
                    role=data["role"],
                    consent=data["consent"],
                )
            except services.ContractError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"{worker.operative.full_name} added to {view.contract.name}.")
                return redirect("contracts:detail", pk)
    return render(
        request,
        "contracts/form.html",
        {
            "form": form,
            "title": "Add a worker",
            "contract": view.contract,
            "button": "Add the worker",
            "empty_message": "" if employments else "None of your current employees can be added.",
        },
    )


def worker_remove(request, pk: int, worker_id: int):
    portal_user = portal_user_of(request)
    view = contract_access(portal_user, pk=pk, flag=Flag.MANAGE_CONTRACT_WORKERS)
    worker = own_worker(view, worker_id=worker_id)
    if worker.removed_at is not None:
        raise Http404
    form = WorkerOffForm(request.POST or None, initial={"off_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_worker_remove(
                worker=worker, removed_by=request.user, off_from=form.cleaned_data["off_from"]
            )
        except services.ContractError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{worker.operative.full_name} taken off {view.contract.name}.")
            return redirect("contracts:detail", pk)
    return render(
        request,
        "contracts/form.html",
        {
            "form": form,
            "title": f"Take {worker.operative.full_name} off the contract",
            "contract": view.contract,
            "button": "Take off the contract",
            "lead": "The worker stays in the contract's history.",
        },
    )
