"""Accounts: users, two-factor sign-in and invitations. Every function here is one atomic change."""

import base64
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.db import transaction
from django.utils import timezone

from portal.accounts.access import is_case_manager  # noqa: F401  (the casework dashboard view asks it here)
from portal.accounts.models import SecondFactor, User
from portal.accounts.sms import sms_send

INVITATION_SALT = "accounts.invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


class SignInLocked(Exception):
    def __init__(self, until):
        super().__init__("Sign-in is locked.")
        self.until = until


class ResendLimited(Exception):
    """Too many codes asked for; the message says when to try again."""


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    locked_until: object = None


def _new_secret() -> str:
    return pyotp.random_base32(32)


def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    mobile: str = "",
    title: str = "",
    telephone: str = "",
    password: str | None = None,
    is_jib_staff: bool = False,
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            mobile=mobile,
            title=title,
            telephone=telephone,
            is_jib_staff=is_jib_staff,
        )
        second_factor_for(user=user)
    return user


def second_factor_for(*, user: User) -> SecondFactor:
    factor, _ = SecondFactor.objects.get_or_create(user=user, defaults={"hotp_secret": _new_secret()})
    return factor


def signin_check_password(*, email: str, password: str) -> User | None:
    """The user for a right email and password, else None. Says nothing of which was wrong."""
    user = authenticate(username=(email or "").strip().lower(), password=password)
    if user is None or not user.is_active:
        return None
    return user


def signin_locked_until(*, factor: SecondFactor):
    if factor.locked_until and factor.locked_until > timezone.now():
        return factor.locked_until
    return None


def otp_send_sms_code(*, user: User) -> None:
    """Text a new 6-digit code to the user's mobile. The previous code stops working."""
    now = timezone.now()
    with transaction.atomic():
        factor = SecondFactor.objects.select_for_update().get(pk=second_factor_for(user=user).pk)
        if until := signin_locked_until(factor=factor):
            raise SignInLocked(until)
        window = timedelta(seconds=settings.OTP_LOCKOUT_SECONDS)
        if factor.send_window_started_at is None or now - factor.send_window_started_at > window:
            factor.send_window_started_at = now
            factor.sends_in_window = 0
        if factor.sends_in_window >= settings.OTP_MAX_SENDS_PER_WINDOW:
            raise ResendLimited("You have asked for too many codes. Wait 15 minutes and sign in again.")
        min_gap = timedelta(seconds=settings.OTP_RESEND_MIN_INTERVAL_SECONDS)
        if factor.code_sent_at and not factor.code_used and now - factor.code_sent_at < min_gap:
            raise ResendLimited("A code was sent less than 30 seconds ago. Wait a moment before asking again.")
        factor.hotp_counter += 1
        factor.code_sent_at = now
        factor.code_used = False
        factor.sends_in_window += 1
        factor.save()
        code = pyotp.HOTP(factor.hotp_secret).at(factor.hotp_counter)
        minutes = settings.OTP_CODE_VALIDITY_SECONDS // 60
        sms_send(
            to=user.mobile,
            body=f"Your ECS Online Systems security code is {code}. It expires in {minutes} minutes. Do not share it.",
        )


def otp_verify(*, user: User, code: str) -> CodeCheck:
    """Check a code from SMS or the authenticator app. Five wrong codes lock sign-in for 15 minutes."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    now = timezone.now()
    with transaction.atomic():
        factor = SecondFactor.objects.select_for_update().get(pk=second_factor_for(user=user).pk)
        if until := signin_locked_until(factor=factor):
            return CodeCheck(ok=False, locked_until=until)
        ok = False
        if len(code) == 6:
            sms_fresh = (
                not factor.code_used
                and factor.code_sent_at is not None
                and now - factor.code_sent_at <= timedelta(seconds=settings.OTP_CODE_VALIDITY_SECONDS)
            )
            if sms_fresh and pyotp.HOTP(factor.hotp_secret).verify(code, factor.hotp_counter):
                factor.code_used = True
                ok = True
            elif factor.has_authenticator:
                totp = pyotp.TOTP(factor.totp_secret)
                for offset in (0, -1, 1):
                    step = totp.timecode(now) + offset
                    if step > factor.totp_last_timestep and secrets.compare_digest(totp.generate_otp(step), code):
                        factor.totp_last_timestep = step
                        ok = True
                        break
        if ok:
            factor.failures = 0
            factor.locked_until = None
        else:
            factor.failures += 1
            if factor.failures >= settings.OTP_MAX_FAILURES:
                factor.failures = 0
                factor.locked_until = now + timedelta(seconds=settings.OTP_LOCKOUT_SECONDS)
                # A code sent before the lock must not work after it.
                factor.code_used = True
        factor.save()
    return CodeCheck(ok=ok, locked_until=factor.locked_until if not ok else None)


def authenticator_enrol_start(*, user: User) -> str:
    """A fresh, unconfirmed authenticator secret; returns the otpauth:// URI for the QR code."""
    with transaction.atomic():
        factor = SecondFactor.objects.select_for_update().get(pk=second_factor_for(user=user).pk)
        factor.totp_secret = _new_secret()
        factor.totp_confirmed_at = None
        factor.totp_last_timestep = 0
        factor.save()
    return pyotp.TOTP(factor.totp_secret).provisioning_uri(name=user.email, issuer_name=settings.OTP_ISSUER)


def authenticator_enrol_confirm(*, user: User, code: str) -> bool:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        factor = SecondFactor.objects.select_for_update().get(pk=second_factor_for(user=user).pk)
        if not factor.totp_secret or not pyotp.TOTP(factor.totp_secret).verify(code, valid_window=1):
            return False
        factor.totp_confirmed_at = timezone.now()
        factor.totp_last_timestep = pyotp.TOTP(factor.totp_secret).timecode(timezone.now())
        factor.save()
    return True


def authenticator_remove(*, user: User) -> None:
    SecondFactor.objects.filter(user=user).update(totp_secret="", totp_confirmed_at=None, totp_last_timestep=0)


# Invitations: a signed link to set a password and confirm the mobile number with a code.


def invitation_token(*, user: User) -> str:
    # The password hash is part of the token, so the link stops working once a password is set.
    payload = {"u": user.pk, "p": base64.b64encode(user.password[-12:].encode()).decode()}
    return signing.dumps(payload, salt=INVITATION_SALT)


def invitation_user(*, token: str) -> User | None:
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or base64.b64encode(user.password[-12:].encode()).decode() != payload.get("p"):
        return None
    return user


def invitation_url(*, user: User) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("accounts:invitation", args=[invitation_token(user=user)])


def invitation_send(*, user: User, organisation_name: str = "") -> str:
    """Email the invitation link; returns it (shown to JIB staff and in the development console)."""
    from django.core.mail import send_mail

    url = invitation_url(user=user)
    where = f" for {organisation_name}" if organisation_name else ""
    send_mail(
        subject="Your ECS Online Systems account",
        message=(
            f"Dear {user.get_full_name()},\n\nAn ECS Online Systems account has been created for you{where}.\n"
            f"Set your password and confirm your mobile number here (the link works for 14 days):\n\n{url}\n\n"
            "Every sign-in asks for your password and a security code sent to your mobile phone.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return url


def invitation_accept(*, user: User, password: str) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])


def jib_staff_create(*, email: str, first_name: str, last_name: str, mobile: str, teams: list[str], password=None):
    """A JIB staff member in the given teams (JibTeam values; each a Django group)."""
    from django.contrib.auth.models import Group

    with transaction.atomic():
        user = user_create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            mobile=mobile,
            password=password,
            is_jib_staff=True,
        )
        user.groups.set([Group.objects.get_or_create(name=team)[0] for team in teams])
    return user
