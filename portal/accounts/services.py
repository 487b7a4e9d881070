"""Accounts: users, two-factor sign-in and invitations. Every function here is one atomic change."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from portal.accounts import throttle
from portal.accounts.models import Invitation, SecondFactor, User
from portal.accounts.sms import sms_send


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


def signin_check_password(*, request, email: str, password: str) -> User | None:
    """The user for a right email and password, else None. Says nothing of which was wrong.

    django-axes counts each failure per account and per client address; once either is locked this returns None
    even for the right password, so a locked account looks like a wrong password."""
    user = authenticate(request, username=(email or "").strip().lower(), password=password)
    if user is None or not user.is_active:
        return None
    return user


def password_reset_mail_allowed(*, email: str) -> bool:
    """Count a password-reset mail to `email`; False once the hourly limit for that address is reached.

    Counted whether or not the address has an account, so the limit itself reveals nothing."""
    return throttle.allow(
        f"password-reset:{(email or '').strip().lower()}",
        limit=settings.PASSWORD_RESET_MAILS_PER_HOUR,
        window_seconds=3600,
    )


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


# Invitations: a link to set a password and confirm the mobile number with a code. It works once, for
# INVITATION_VALIDITY_DAYS, and dies when the user is removed or sent a newer one.


class InvitationClosed(Exception):
    """The invitation was used, revoked or expired while it was being accepted."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _open_invitations(*, user: User):
    return Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True)


def invitation_create(*, user: User) -> str:
    """A new invitation for the user (earlier open ones are revoked); returns its link."""
    from django.urls import reverse

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        _open_invitations(user=user).update(revoked_at=now)
        Invitation.objects.create(
            user=user,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
    return settings.SITE_URL + reverse("accounts:invitation", args=[token])


def invitations_revoke(*, user: User) -> int:
    """Revoke the user's open invitations (on removal); returns how many."""
    return _open_invitations(user=user).update(revoked_at=timezone.now())


def _usable(invitation: Invitation | None) -> bool:
    if invitation is None or not invitation.is_open() or not invitation.user.is_active:
        return False
    # A removed portal user's invitation is dead even if revoking it was missed.
    memberships = getattr(invitation.user, "portal_user", None)
    return memberships is None or memberships.removed_at is None


def invitation_open(*, token: str) -> Invitation | None:
    """The open invitation behind a link, else None (unknown, used, revoked, expired, or the user removed)."""
    invitation = (
        Invitation.objects.select_related("user", "user__portal_user").filter(token_hash=_token_hash(token)).first()
    )
    return invitation if _usable(invitation) else None


def invitation_send(*, user: User, organisation_name: str = "") -> str:
    """Email a new invitation link; returns it (shown to JIB staff and in the development console)."""
    from django.core.mail import send_mail

    url = invitation_create(user=user)
    where = f" for {organisation_name}" if organisation_name else ""
    days = settings.INVITATION_VALIDITY_DAYS
    send_mail(
        subject="Your ECS Online Systems account",
        message=(
            f"Dear {user.get_full_name()},\n\nAn ECS Online Systems account has been created for you{where}.\n"
            f"Set your password and confirm your mobile number here (the link works once, for {days} days):\n\n"
            f"{url}\n\nEvery sign-in asks for your password and a security code sent to your mobile phone.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return url


def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the password and use the invitation up; InvitationClosed if it closed in the meantime."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if not _usable(invitation):
            raise InvitationClosed("This invitation has been used, withdrawn or has expired.")
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


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
