import re

import pytest

from tests.conftest import sign_in
from tests.factories import PASSWORD, PortalUserFactory


@pytest.mark.django_db
def test_sign_in_with_both_factors_reaches_the_portal(client, primary_user):
    sign_in(client, primary_user.user)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert primary_user.organisation.name in response.text


@pytest.mark.django_db
def test_password_alone_reaches_nothing(client, primary_user):
    response = client.post("/accounts/sign-in/", {"email": primary_user.user.email, "password": PASSWORD})
    assert response.status_code == 302
    for url in ["/portal/", "/backoffice/", "/admin/", "/accounts/security/"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.request["PATH_INFO"] == "/accounts/sign-in/", url


def page(response, email):
    """The page without what differs by design: the address typed and the CSRF token."""
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.text.replace(email, "").replace(email.upper(), ""))


def guess(client, email, ip, password="not the password"):
    return client.post("/accounts/sign-in/", {"email": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_password_guessing_locks_the_account_with_the_same_message(client, primary_user, settings):
    from portal.accounts.models import SmsMessage
    from portal.accounts.views import GENERIC_ERROR

    user = primary_user.user
    for n in range(settings.AXES_FAILURE_LIMIT):
        # From many addresses: the count is per account, whatever the address.
        response = guess(client, user.email.upper(), f"10.0.1.{n}")
        assert GENERIC_ERROR in response.text
    right = guess(client, user.email, "10.0.2.1", password=PASSWORD)
    assert right.status_code == 200 and GENERIC_ERROR in right.text
    assert not SmsMessage.objects.exists()  # the code step is never reached
    # A locked account answers exactly as a wrong password for an account that is not locked.
    other = guess(client, "someone.else@example.co.uk", "10.0.3.1")
    assert right.status_code == other.status_code
    assert page(right, user.email) == page(other, "someone.else@example.co.uk")
    assert "lock" not in right.text.lower()


@pytest.mark.django_db
def test_password_guessing_locks_the_client_address(client, primary_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        guess(client, f"guess{n}@example.co.uk", "10.0.9.9")  # a different account each time
    assert guess(client, primary_user.user.email, "10.0.9.9", password=PASSWORD).status_code == 200
    # The same person from another address is not held up by that address's guesses.
    elsewhere = guess(client, primary_user.user.email, "10.0.9.10", password=PASSWORD)
    assert elsewhere["Location"] == "/accounts/sign-in/code/"


@pytest.mark.django_db
def test_a_locked_sign_in_opens_again_after_the_cool_off(client, primary_user, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(client, primary_user.user.email, "10.0.4.1")
    assert guess(client, primary_user.user.email, "10.0.4.1", password=PASSWORD).status_code == 200
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert guess(client, primary_user.user.email, "10.0.4.1", password=PASSWORD).status_code == 302


@pytest.mark.django_db
def test_signing_in_to_ones_own_account_does_not_reset_guesses_at_another(client, primary_user, settings):
    victim = PortalUserFactory(organisation=primary_user.organisation)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        guess(client, victim.user.email, "127.0.0.1")
    sign_in(client, primary_user.user)  # the guesser's own login, from the same address
    client.logout()
    guess(client, victim.user.email, "10.0.5.5")  # one more, from elsewhere, reaches the limit
    assert guess(client, victim.user.email, "10.0.5.6", password=PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(client, primary_user, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/sign-in/",
            {"email": f"guess{n}@example.co.uk", "password": "x"},
            REMOTE_ADDR="10.0.7.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        "/accounts/sign-in/",
        {"email": primary_user.user.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.7.7",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 200  # still locked: the header is not believed


def test_client_address_behind_our_own_proxies(rf, settings):
    from portal.accounts.throttle import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"  # the client-written 6.6.6.6 is never used
    settings.TRUSTED_PROXY_COUNT = 5
    assert client_ip(request) == "10.0.0.2"
