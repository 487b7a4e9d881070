"""Portal pages of ECS Check on site: the organisation's API keys."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.core.confirm import Confirmation, confirmation_page
from portal.organisations.access import portal_user_of
from portal.sitechecks import selectors, services
from portal.sitechecks.access import require_api_key_manager
from portal.sitechecks.forms import ApiKeyForm
from portal.sitechecks.models import ApiKey


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
