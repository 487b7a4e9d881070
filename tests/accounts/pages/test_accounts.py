"""Two-factor sign-in: codes, lockout, resends, authenticator app, password reset, invitations, front doors."""

from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.accounts import services
from portal.accounts.models import SecondFactor, SmsMessage
from portal.accounts.views import GENERIC_ERROR
from tests.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def last_code(user) -> str:
    return SmsMessage.objects.filter(to=user.mobile).first().body.split("code is ")[1][:6]


def start(client, user, password=PASSWORD):
    return client.post("/accounts/sign-in/", {"email": user.email, "password": password})


def test_wrong_email_password_and_code_get_the_same_message(client):
    user = UserFactory()
    unknown = client.post("/accounts/sign-in/", {"email": "nobody@example.co.uk", "password": PASSWORD})
    wrong_password = client.post("/accounts/sign-in/", {"email": user.email, "password": "not the password"})
    assert unknown.status_code == wrong_password.status_code == 200
    assert GENERIC_ERROR in unknown.text and GENERIC_ERROR in wrong_password.text
    assert not SmsMessage.objects.exists()
    start(client, user)
    wrong_code = client.post("/accounts/sign-in/code/", {"code": "000000" if last_code(user) != "000000" else "111111"})
    assert GENERIC_ERROR in wrong_code.text
    assert client.get("/portal/").status_code == 302


def test_code_is_single_use(client, primary_user):
    user = primary_user.user
    start(client, user)
    code = last_code(user)
    # A second browser passes the password step at once: no new code is sent (too soon), so the one code is live.
    other = Client()
    start(other, user)
    assert last_code(user) == code
    assert client.post("/accounts/sign-in/code/", {"code": code}).status_code == 302
    replayed = other.post("/accounts/sign-in/code/", {"code": code})
    assert replayed.status_code == 200
    assert GENERIC_ERROR in replayed.text
    assert other.get("/portal/").status_code == 302  # still signed out


def test_code_expires_after_five_minutes(client, primary_user):
    user = primary_user.user
    start(client, user)
    SecondFactor.objects.filter(user=user).update(code_sent_at=timezone.now() - timedelta(minutes=5, seconds=1))
    response = client.post("/accounts/sign-in/code/", {"code": last_code(user)})
    assert response.status_code == 200
    assert client.get("/portal/").status_code == 302


def test_five_wrong_codes_lock_sign_in_for_fifteen_minutes(client, primary_user):
    user = primary_user.user
    start(client, user)
    code = last_code(user)
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(5):
        client.post("/accounts/sign-in/code/", {"code": wrong})
    factor = SecondFactor.objects.get(user=user)
    assert factor.locked_until > timezone.now() + timedelta(minutes=14)
    # While locked even the right code is refused, and no new code is sent.
    response = client.post("/accounts/sign-in/code/", {"code": code})
    assert "Sign-in is locked" in response.text
    sent = SmsMessage.objects.count()
    client.post("/accounts/sign-in/code/resend/")
    assert SmsMessage.objects.count() == sent
    assert client.get("/portal/").status_code == 302
    # After the lock a fresh code works.
    SecondFactor.objects.filter(user=user).update(locked_until=timezone.now() - timedelta(seconds=1))
    start(client, user)
    assert client.post("/accounts/sign-in/code/", {"code": last_code(user)}).status_code == 302
    assert client.get("/portal/").status_code == 200


def test_resends_are_limited(client, primary_user, settings):
    user = primary_user.user
    start(client, user)
    client.post("/accounts/sign-in/code/resend/")  # within 30 seconds: refused
    assert SmsMessage.objects.filter(to=user.mobile).count() == 1
    settings.OTP_RESEND_MIN_INTERVAL_SECONDS = 0
    for _ in range(10):
        client.post("/accounts/sign-in/code/resend/")
    assert SmsMessage.objects.filter(to=user.mobile).count() == settings.OTP_MAX_SENDS_PER_WINDOW
    # Only the newest code works.
    codes = [m.body.split("code is ")[1][:6] for m in SmsMessage.objects.filter(to=user.mobile)]
    if codes[1] != codes[0]:
        assert client.post("/accounts/sign-in/code/", {"code": codes[1]}).status_code == 200
    assert client.post("/accounts/sign-in/code/", {"code": codes[0]}).status_code == 302


def test_authenticator_app_enrolment_and_sign_in(client, primary_user):
    user = primary_user.user
    sign_in(client, user)
    client.post("/accounts/security/", {"action": "start"})
    page = client.get("/accounts/security/")
    assert "<svg" in page.text
    secret = SecondFactor.objects.get(user=user).totp_secret
    wrong = client.post("/accounts/security/", {"action": "confirm", "code": "000000"})
    assert "not right" in wrong.text
    client.post("/accounts/security/", {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert SecondFactor.objects.get(user=user).has_authenticator
    client.post("/accounts/sign-out/")
    sent = SmsMessage.objects.count()
    start(client, user)
    assert SmsMessage.objects.count() == sent  # no SMS when an app is set up
    SecondFactor.objects.filter(user=user).update(totp_last_timestep=0)
    assert client.post("/accounts/sign-in/code/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/portal/").status_code == 200


def test_authenticator_code_cannot_be_replayed(primary_user):
    user = primary_user.user
    services.authenticator_enrol_start(user=user)
    factor = SecondFactor.objects.get(user=user)
    SecondFactor.objects.filter(pk=factor.pk).update(totp_confirmed_at=timezone.now())
    code = pyotp.TOTP(factor.totp_secret).now()
    assert services.otp_verify(user=user, code=code).ok
    assert not services.otp_verify(user=user, code=code).ok


def test_password_reset_still_asks_for_the_second_factor(client, primary_user):
    user = primary_user.user
    client.post("/accounts/password-reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.request["PATH_INFO"]
    new_password = "A-new-long-password-2026"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 302  # not signed in
    start(client, user, password=new_password)
    assert client.get("/portal/").status_code == 302  # password alone is not enough
    client.post("/accounts/sign-in/code/", {"code": last_code(user)})
    assert client.get("/portal/").status_code == 200


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.co.uk"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_invitation_sets_password_then_confirms_mobile(client, organisation):
    from portal.organisations.services import portal_user_create

    user = services.user_create(
        email="new.user@example.co.uk", first_name="New", last_name="User", mobile="+447700900555"
    )
    portal_user_create(user=user, organisation=organisation, office=organisation.head_office)
    url = services.invitation_send(user=user, organisation_name=organisation.name)
    assert url in mail.outbox[0].body
    path = url.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path, {"password1": "short", "password2": "short"})
    assert "at least 10 characters" in response.text
    response = client.post(path, {"password1": "Brand-new-password-1", "password2": "Brand-new-password-1"})
    assert response["Location"] == "/accounts/sign-in/code/"
    assert client.get("/portal/").status_code == 302
    client.post("/accounts/sign-in/code/", {"code": last_code(user)})
    assert client.get("/portal/").status_code == 200
    # The link works once.
    client.logout()
    assert client.get(path).status_code == 404


def backoffice_paths():
    """Every /backoffice/ URL that takes no arguments, and a few with made-up ones."""
    paths = ["/backoffice/"]

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
                paths.append("/" + prefix + route.lstrip("^").rstrip("$"))

    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) == "backoffice/":
            walk(pattern.url_patterns, "backoffice/")
    return sorted(set(paths))


def test_employer_user_gets_403_on_every_backoffice_page(client, primary_user):
    sign_in(client, primary_user.user)
    paths = backoffice_paths()
    for path in paths + ["/backoffice/workflow/", "/backoffice/anything/1/"]:
        assert client.get(path).status_code == 403, path


def test_jib_staff_reach_the_back_office_not_the_portal(client):
    staff = services.jib_staff_create(
        email="case.worker@jib.example", first_name="Cas", last_name="Worker", mobile="+447700900700",
        teams=["licensing"], password=PASSWORD,
    )  # fmt: skip
    assert Group.objects.get(name="licensing").user_set.filter(pk=staff.pk).exists()
    sign_in(client, staff)
    assert client.get("/", follow=True).request["PATH_INFO"].startswith("/backoffice/")
    assert client.get("/portal/").status_code == 403
    assert client.get("/backoffice/", follow=True).status_code == 200
    assert client.get("/portal/organisation/").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_admin_and_outbox_are_for_superusers(client, primary_user):
    sign_in(client, primary_user.user)
    assert client.get("/admin/").status_code == 403
    assert client.get("/accounts/sms-outbox/").status_code == 302  # to the sign-in page: superusers only
    client.logout()
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get("/admin/").status_code == 200
    outbox = client.get("/accounts/sms-outbox/")
    assert outbox.status_code == 200 and "security code" in outbox.text


def test_sms_outbox_command(capsys, primary_user):
    services.otp_send_sms_code(user=primary_user.user)
    call_command("sms_outbox", "--to", primary_user.user.mobile)
    assert "security code is" in capsys.readouterr().out


def test_forms_are_csrf_protected(primary_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"email": primary_user.user.email, "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    ["/admin/registry/cardtype/", "/admin/registry/cardtype/1/change/", "/admin/registry/operative/",
     "/admin/organisations/organisation/", "/admin/accounts/user/", "/admin/licensing/licenceapplication/",
     "/admin/licensing/membershiprecord/", "/admin/employees/employment/", "/admin/accounts/user/add/"],
)  # fmt: skip
def test_reference_data_and_records_open_in_admin(client, url):
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get(url).status_code == 200


def test_back_office_menu_signs_out(client):
    staff = services.jib_staff_create(
        email="out@jib.example", first_name="O", last_name="Ut", mobile="+447700123111", teams=["licensing"],
        password=PASSWORD,
    )  # fmt: skip
    sign_in(client, staff)
    page = client.get("/backoffice/workflow/queue/")
    # The back office's header signs out through the same form as the portal.
    assert f'action="{reverse("accounts:signout")}"' in page.text
    client.post(reverse("accounts:signout"))
    assert client.get("/backoffice/workflow/queue/").status_code == 302
