"""Password-reset mail is limited per address, with the same answer whether it was sent or not."""

import pytest
from django.core import mail

from tests.conftest import sign_in
from tests.factories import PortalUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(client, email):
    return client.post("/accounts/password-reset/", {"email": email})


def test_a_flood_of_reset_requests_sends_three_mails_an_hour(client, settings):
    user = UserFactory()
    answers = [ask(client, user.email) for _ in range(20)]
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAILS_PER_HOUR == 3
    # Every request gets the same answer, sent or not.
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/accounts/password-reset/sent/")}


def test_the_limit_is_per_address_and_counts_however_the_address_is_typed(client):
    first, second = UserFactory(), UserFactory()
    for _ in range(3):
        ask(client, first.email.upper())
    ask(client, f" {first.email} ")
    assert len(mail.outbox) == 3
    ask(client, second.email)
    assert mail.outbox[-1].to == [second.email]


def test_the_limit_is_kept_for_addresses_without_an_account(client):
    for _ in range(5):
        response = ask(client, "nobody@example.co.uk")
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_the_limit_opens_again_after_the_hour(client):
    from django.core.cache import cache

    user = UserFactory()
    for _ in range(4):
        ask(client, user.email)
    assert len(mail.outbox) == 3
    cache.clear()  # the hour's counter expires
    ask(client, user.email)
    assert len(mail.outbox) == 4


def test_an_administrator_cannot_flood_a_user_either(client, primary_user):
    target = PortalUserFactory(organisation=primary_user.organisation, office=primary_user.office)
    sign_in(client, primary_user.user)
    for _ in range(5):
        response = client.post(f"/portal/organisation/users/{target.pk}/reset-password/", follow=True)
    assert len([m for m in mail.outbox if m.to == [target.user.email]]) == 3
    assert "links in the last hour" in response.text
