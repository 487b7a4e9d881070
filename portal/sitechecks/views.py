"""Portal pages of ECS Check on site: spot checks of cards and their audit summary, workforce exports, and the
organisation's API keys."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.contracts.models import Contract
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.middleware import permissions_policy
from portal.licensing.models import LicencePart
from portal.organisations.access import portal_user_of, require_flag, require_licence_part
from portal.organisations.permissions import Flag
from portal.registry.card_codes import NUMBER, card_number_from_code
from portal.sitechecks import exports, selectors, services
from portal.sitechecks.access import contract_for, contracts_of, may_manage_api_keys, require_api_key_manager
from portal.sitechecks.forms import ApiKeyForm, ExportForm, PeriodForm, ScanForm, SpotCheckForm
from portal.sitechecks.models import ApiKey, SpotCheck

OPEN = (Contract.Status.SETTING_UP, Contract.Status.IN_PROGRESS)
CHECK_RELATED = ("card__card_type", "card__operative", "card__grade", "card__occupation", "contract")


def _spot_checker(request):
    """The portal user checking cards on site (ECS Check on the licence, "Can View Contract Details") and the
    open contracts they may check against."""
    portal_user = portal_user_of(request)
    require_licence_part(portal_user, LicencePart.ECS_CHECK)
    require_flag(portal_user, Flag.VIEW_CONTRACTS)
    return portal_user, list(contracts_of(organisation_id=portal_user.organisation_id).filter(status__in=OPEN))


@permissions_policy(camera="self")
@require_http_methods(["GET", "POST"])
def spot_check_view(request):
    """Check a card presented on a contract's site: the verdict at once, recorded as an audit entry. The page's
    "Scan a card" reads the card's QR code with the phone's camera and posts it to `spot_check_scan_view`."""
    portal_user, contracts = _spot_checker(request)
    initial = {"contract": request.GET.get("contract"), "number": request.GET.get("number", "")}
    form = SpotCheckForm(request.POST or None, contracts=contracts, initial=initial)
    if request.method == "POST" and form.is_valid():
        contract, party = contract_for(portal_user, form.cleaned_data["contract"])
        try:
            check = services.spot_check_record(
                actor=portal_user, contract=contract, viewer_party=party, number=form.cleaned_data["number"]
            )
        except services.SiteCheckError as error:
            form.add_error(error.field, str(error))
        else:
            return redirect(f"{reverse('sitechecks:spot_check')}?contract={contract.pk}&check={check.pk}")
    check = None
    if request.GET.get("check", "").isdigit():
        check = (
            SpotCheck.objects.filter(pk=request.GET["check"], checked_by=request.user)
            .select_related(*CHECK_RELATED, "worker__party__organisation")
            .first()
        )
    can_manage_keys = may_manage_api_keys(portal_user)
    context = {"form": form, "check": check, "contracts": contracts, "can_manage_keys": can_manage_keys}
    return render(request, "sitechecks/spot_check.html", context)


@require_http_methods(["POST"])
def spot_check_scan_view(request):
    """A card's QR code read by the spot check page's camera: the card checked on the chosen contract and recorded
    like a typed number. Answers with the verdict as a fragment of the page (the page puts it in its live region),
    or 400 with the reason beside nothing saved."""
    portal_user, contracts = _spot_checker(request)
    form = ScanForm(request.POST, contracts=contracts)
    error = number = None
    if not form.is_valid():
        error = "Choose the contract to check the card against." if "contract" in form.errors else None
        error = error or "The QR code could not be read: try again, or type the number printed on the card."
    else:
        number = card_number_from_code(form.cleaned_data["code"])
        if number is None:
            error = "This QR code is not an ECS card's: type the number printed on the card."
    if error is None:
        contract, party = contract_for(portal_user, form.cleaned_data["contract"])
        try:
            check = services.spot_check_record(actor=portal_user, contract=contract, viewer_party=party, number=number)
        except services.SiteCheckError as exc:
            error = str(exc)
        else:
            check = SpotCheck.objects.select_related(*CHECK_RELATED, "worker__party__organisation").get(pk=check.pk)
            return render(request, "sitechecks/_verdict.html", {"check": check, "scanned": True})
    return render(request, "sitechecks/_verdict.html", {"error": error, "number": number}, status=400)


def card_link_view(request, number: str):
    """Where a card's QR code leads a phone's own camera app: the spot check with the number filled in, or the
    card check for a user without ECS Check. Nothing is checked or recorded on the way (a GET changes nothing)."""
    portal_user = portal_user_of(request)
    if not NUMBER.fullmatch(number):
        raise Http404
    try:
        require_licence_part(portal_user, LicencePart.ECS_CHECK)
        require_flag(portal_user, Flag.VIEW_CONTRACTS)
    except PermissionDenied:
        return redirect(f"{reverse('registry:card_check')}?number={number}")
    return redirect(f"{reverse('sitechecks:spot_check')}?number={number}")


def audit_view(request, contract_id: int):
    """The audit summary of a contract's spot checks in a period (the last 30 days unless chosen)."""
    portal_user = portal_user_of(request)
    contract, party = contract_for(portal_user, contract_id)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"date_from": today - timedelta(days=30), "date_to": today})
    date_from, date_to = today - timedelta(days=30), today
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    elif form.is_bound:
        date_from = date_to = None
    summary = None
    if date_from:
        summary = selectors.spot_check_summary(
            contract=contract, viewer_party=party, date_from=date_from, date_to=date_to
        )
    return render(
        request, "sitechecks/audit.html", {"form": form, "contract": contract, "party": party, "summary": summary}
    )


def export_view(request, contract_id: int):
    """The contract's workforce and card status as at a date, as CSV or PDF (for auditors)."""
    portal_user = portal_user_of(request)
    contract, party = contract_for(portal_user, contract_id)
    form = ExportForm(request.GET or None, initial={"as_at": timezone.localdate(), "format": "csv"})
    if form.is_bound and form.is_valid():
        as_at = form.cleaned_data["as_at"]
        if form.cleaned_data["format"] == "pdf":
            return exports.workforce_pdf_response(contract=contract, viewer_party=party, as_at=as_at)
        return exports.workforce_csv_response(contract=contract, viewer_party=party, as_at=as_at)
    return render(request, "sitechecks/export.html", {"form": form, "contract": contract})


@never_cache
@require_http_methods(["GET", "POST"])
def api_keys_view(request):
    """The organisation's API keys; a new key's secret is shown on this response only (never stored)."""
    portal_user = portal_user_of(request)
    require_api_key_manager(portal_user)
    form = ApiKeyForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = services.api_key_create(actor=portal_user, name=form.cleaned_data["name"])
        except services.SiteCheckError as error:
            form.add_error(error.field, str(error))
        else:
            created = {"key": key, "secret": secret}
            form = ApiKeyForm()
    keys = selectors.api_keys_of(organisation_id=portal_user.organisation_id)
    return render(
        request,
        "sitechecks/api_keys.html",
        {"form": form, "keys": keys, "created": created, "docs_url": "/api/docs"},
    )


@require_http_methods(["GET", "POST"])
def api_key_revoke_view(request, key_id: int):
    portal_user = portal_user_of(request)
    require_api_key_manager(portal_user)
    key = ApiKey.objects.filter(organisation_id=portal_user.organisation_id, pk=key_id, revoked_at__isnull=True).first()
    if key is None:
        raise Http404
    if request.method == "POST":
        services.api_key_revoke(actor=portal_user, key_id=key.pk)
        messages.success(request, f"The API key “{key.name}” is revoked: systems using it are refused from now on.")
        return redirect("sitechecks:api_keys")
    return confirmation_page(
        request,
        Confirmation(
            title=f"Revoke the API key “{key.name}”?",
            consequences=[f"Systems using {key.shown_as} will be refused at once."],
            button="Revoke the key",
            cancel_url=reverse("sitechecks:api_keys"),
            warning="A revoked key cannot be used again: create a new key instead.",
        ),
    )
