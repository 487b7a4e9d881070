from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from portal.accounts.access import jib_licence_application
from portal.licensing import held, selectors, services
from portal.licensing.forms import InformationResponseForm, LicenceApplicationForm
from portal.licensing.models import LicenceApplication


@login_not_required
def apply(request):
    """The public licence application form (no sign-in)."""
    kept = held.held(request) if request.method == "POST" else None
    form = LicenceApplicationForm(request.POST or None, request.FILES or None, held_accounts=kept)
    if request.method == "POST":
        if form.is_valid():
            application = services.licence_application_submit(
                data=form.application_data(), accounts=form.cleaned_data.get("accounts")
            )
            held.forget(request)
            request.session["licence_application_submitted"] = application.pk
            return redirect("licensing:submitted")
        upload = request.FILES.get("accounts")
        if upload is not None and "accounts" not in form.errors:
            kept = held.hold(request, upload)  # checked: kept for the next try
    else:
        held.forget(request)
    return render(request, "licensing/apply.html", {"form": form, "held_accounts": kept})


@login_not_required
def submitted(request):
    application = LicenceApplication.objects.filter(pk=request.session.get("licence_application_submitted")).first()
    if application is None:
        return redirect("licensing:apply")
    return render(
        request,
        "licensing/submitted.html",
        {"application": application, "status_url": selectors.licence_application_status_url(application=application)},
    )


@login_not_required
def status(request, token: str):
    application = selectors.licence_application_by_status_token(token=token)
    if application is None:
        return render(request, "licensing/status_link_invalid.html", status=404)
    return render(request, "licensing/status.html", {"application": application})


@login_not_required
def respond(request, token: str):
    application = selectors.licence_application_by_response_token(token=token)
    if application is None:
        raise Http404
    form = InformationResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.licence_application_respond(
                application=application, response=form.cleaned_data["response"], upload=form.cleaned_data["upload"]
            )
        except services.LicensingError as exc:
            form.add_error(None, str(exc))
        else:
            token = selectors.licence_application_status_token(application=application)
            return redirect("licensing:status", token=token)
    return render(request, "licensing/respond.html", {"form": form, "application": application})


def document(request, pk: int, which: str):
    """An application's uploads (company accounts, information sent), for the licensing team only."""
    application = jib_licence_application(request.user, pk)
    file = {"accounts": application.accounts, "information": application.information_upload}.get(which)
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), content_type="application/pdf", filename=f"{application.reference}-{which}.pdf"
    )
