"""Two-factor sign-in. A session is only signed in (django.contrib.auth.login) after both factors.

Between the password and the code the session holds the pending user's id and when the password was checked.
"""

import contextlib
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, user_passes_test
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.accounts import services
from portal.accounts.forms import (
    CodeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    InvitationPasswordForm,
    SignInForm,
)
from portal.accounts.models import SmsMessage, User

PENDING_KEY = "signin_pending_user"
PENDING_AT_KEY = "signin_pending_at"
NEXT_KEY = "signin_next"
PENDING_MAX_AGE = 10 * 60
GENERIC_ERROR = "The email address, password or security code is not right."


def _pending_user(request) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if not user_id or time.time() - started > PENDING_MAX_AGE:
        return None
    return User.objects.filter(pk=user_id, is_active=True).select_related("second_factor").first()


def _start_second_factor(request, user: User) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[PENDING_AT_KEY] = time.time()
    factor = services.second_factor_for(user=user)
    if not factor.has_authenticator:
        # When sending is refused, the code page says why once a code is tried.
        with contextlib.suppress(services.ResendLimited, services.SignInLocked):
            services.otp_send_sms_code(user=user)


@login_not_required
def signin(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.signin_check_password(
            request=request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if user is None:
            form.add_error(None, GENERIC_ERROR)
        else:
            next_url = request.GET.get("next", "")
            _start_second_factor(request, user)
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                request.session[NEXT_KEY] = next_url
            return redirect("accounts:code")
    return render(request, "accounts/signin.html", {"form": form})


@login_not_required
def code(request):
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the sign-in took too long or was not started.")
        return redirect("accounts:signin")
    factor = services.second_factor_for(user=user)
    form = CodeForm(request.POST or None)
    locked_until = None
    if request.method == "POST" and form.is_valid():
        result = services.otp_verify(user=user, code=form.cleaned_data["code"])
        if result.ok:
            next_url = request.session.get(NEXT_KEY) or settings.LOGIN_REDIRECT_URL
            for key in (PENDING_KEY, PENDING_AT_KEY, NEXT_KEY):
                request.session.pop(key, None)
            login(request, user, backend="portal.accounts.backends.EmailBackend")
            return redirect(next_url)
        locked_until = result.locked_until
        if locked_until is None:
            form.add_error("code", GENERIC_ERROR)
    if locked_until is None:
        locked_until = services.signin_locked_until(factor=factor)
    return render(
        request,
        "accounts/code.html",
        {"form": form, "pending": user, "factor": factor, "locked_until": locked_until},
    )


@login_not_required
@require_POST
def resend(request):
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:signin")
    try:
        services.otp_send_sms_code(user=user)
        messages.success(request, f"A new code has been sent to your mobile phone {user.masked_mobile}.")
    except services.ResendLimited as exc:
        messages.error(request, str(exc))
    except services.SignInLocked:
        messages.error(request, "Sign-in is locked for 15 minutes after too many wrong codes.")
    return redirect("accounts:code")


@require_POST
@login_not_required
def signout(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:signin")


def security(request):
    """The signed-in user's second factors: enrol or remove an authenticator app."""
    factor = services.second_factor_for(user=request.user)
    qr_svg = None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "start":
        uri = services.authenticator_enrol_start(user=request.user)
        request.session["totp_uri"] = uri
        return redirect("accounts:security")
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.authenticator_remove(user=request.user)
        messages.success(request, "The authenticator app is removed. Codes will come by text message.")
        return redirect("accounts:security")
    if request.method == "POST" and request.POST.get("action") == "confirm" and form.is_valid():
        if services.authenticator_enrol_confirm(user=request.user, code=form.cleaned_data["code"]):
            request.session.pop("totp_uri", None)
            messages.success(request, "Your authenticator app is set up. You can use its codes to sign in.")
            return redirect("accounts:security")
        form.add_error("code", "That code is not right. Check the time on your phone and try the newest code.")
    uri = request.session.get("totp_uri") if not factor.has_authenticator else None
    if uri:
        qr_svg = segno.make(uri, error="m").svg_inline(scale=5, title="QR code for your authenticator app")
    return render(
        request,
        "accounts/security.html",
        {"factor": services.second_factor_for(user=request.user), "qr_svg": qr_svg, "form": form, "uri": uri},
    )


@user_passes_test(lambda u: u.is_superuser)
def outbox(request):
    """The development SMS outbox (superusers only)."""
    return render(request, "accounts/outbox.html", {"messages_sent": SmsMessage.objects.all()[:100]})


@login_not_required
def invitation(request, token: str):
    """Set a password from an invitation link, then confirm the mobile number with a code (signing in)."""
    invitation = services.invitation_open(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = invitation.user
    form = InvitationPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except services.InvitationClosed:
            return render(request, "accounts/invitation_invalid.html", status=404)
        _start_second_factor(request, user)
        messages.success(request, "Your password is set. Enter the code sent to your mobile phone to finish.")
        return redirect("accounts:code")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = GovukPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Past the hourly limit for the address nothing is sent, and the answer is the same as when it is.
        if not services.password_reset_mail_allowed(email=form.cleaned_data["email"]):
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False  # the second factor is still asked at the next sign-in


password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


def start(request):
    """Where "/" and a fresh sign-in lead: each kind of user to their own front door."""
    user = request.user
    if user.is_jib_staff:
        return redirect("/backoffice/")
    if getattr(request, "portal_user", None) is not None:
        return redirect("core:home")
    if user.is_superuser:
        return redirect("admin:index")
    return render(request, "core/no_access.html", status=403)
