"""The preferences page and a user's own messages; the development mail outbox; the relay's hand-off; the link
from the digest to the employees list with START APPLICATIONS."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from portal.notifications.models import Kind, Notification, NotificationOptOut
from portal.notifications.services import SEND_KIND, notification_send, notifications_record
from tests.applications.flows.test_card_application_processing import jib_client
from tests.conftest import sign_in
from tests.factories_registry import CardFactory, EmploymentFactory

pytestmark = pytest.mark.django_db
PAGE = "/portal/notifications/"


def recorded_for(portal_user, settings) -> Notification:
    settings.ECS_RUN_JOBS_INLINE = False
    (notification,) = notifications_record(
        kind=Kind.CARD_PREPARED,
        event_key="card1",
        recipients=[portal_user],
        context={
            "application": {"reference": "A0000042"},
            "applicant": "Aoife Jones",
            "card_type": "Craft",
            "card": {"number": "12345678", "expires_on": date(2029, 3, 1)},
            "url": "http://127.0.0.1:8000/portal/applications/produced/",
        },
    )
    return notification


def test_preferences_page_turns_optional_kinds_off_and_lists_the_essential_ones(client, world):
    sign_in(client, world.above.user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "A card application is put on hold (also by text message)" in page.text
    assert 'value="payment_received" id="id_receive_0" checked' in page.text.replace("\n", "")
    response = client.post(PAGE, {"receive": [Kind.CARD_DISPATCHED]})
    assert response.status_code == 302
    assert set(NotificationOptOut.objects.filter(user=world.above.user).values_list("kind", flat=True)) == {
        Kind.PAYMENT_RECEIVED,
        Kind.CARD_PREPARED,
        Kind.EXPIRY_DIGEST,
    }
    assert "Your notification preferences are saved." in client.get(PAGE).text
    bad = client.post(PAGE, {"receive": [Kind.ON_HOLD]})
    assert bad.status_code == 200 and "Choose only from the messages listed." in bad.text
    assert not NotificationOptOut.objects.filter(user=world.above.user, kind=Kind.ON_HOLD).exists()


def test_messages_are_the_users_own(client, world, settings):
    mine = recorded_for(world.above, settings)
    theirs = recorded_for(world.other_organisation, settings)
    sign_in(client, world.above.user)
    listing = client.get(PAGE).text
    assert mine.subject in listing and "Waiting to be sent" in listing
    detail = client.get(f"{PAGE}{mine.pk}/")
    assert detail.status_code == 200 and "Aoife Jones" in detail.text and "1 March 2029" in detail.text
    assert client.get(f"{PAGE}{theirs.pk}/").status_code == 404


def test_only_portal_users_have_the_page(client, world):
    staff = jib_client("verification")
    assert staff.get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302  # to the sign-in


def test_the_relay_hands_the_kind_to_its_prefect_task():
    from tasks.notifications import send_notification
    from tasks.relay import HAND_OFFS
    from tasks.worker import BACKGROUND_TASKS

    assert HAND_OFFS[SEND_KIND]("41") == (send_notification, {"notification_id": 41})
    assert send_notification in BACKGROUND_TASKS


def test_mail_outbox_shows_what_was_sent_in_development(world, settings, tmp_path):
    settings.EMAIL_BACKEND = settings.EMAIL_OUTBOX_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    notification = recorded_for(world.above, settings)
    assert notification_send(notification_id=notification.pk)
    out = StringIO()
    call_command("mail_outbox", "--to", world.above.user.email, stdout=out)
    assert notification.subject in out.getvalue() and "Aoife Jones" in out.getvalue()
    empty = StringIO()
    call_command("mail_outbox", "--to", "nobody@example.org", stdout=empty)
    assert "The outbox is empty." in empty.getvalue()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with pytest.raises(CommandError, match="not to the outbox"):
        call_command("mail_outbox")
    assert not mail.outbox


def test_the_digest_link_opens_the_employees_list_filtered_with_start_applications(client, world):
    soon = EmploymentFactory(organisation=world.office.organisation, office=world.office)
    CardFactory(operative=soon.operative, expires_on=date.today() + timedelta(days=30))
    later = EmploymentFactory(organisation=world.office.organisation, office=world.office)
    CardFactory(operative=later.operative, expires_on=date.today() + timedelta(days=400))
    sign_in(client, world.at_office.user)
    response = client.get("/portal/employees/?status=expiring")
    assert response.status_code == 302 and response.url == "/portal/employees/"
    page = client.get("/portal/employees/").text
    assert escape(soon.operative.sort_name) in page and escape(later.operative.sort_name) not in page
    assert "START APPLICATIONS FOR EMPLOYEES" in page
