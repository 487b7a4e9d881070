"""The weekly digest of cards expiring within three months and expired in the last month: each user with Can
View Employees, their office subtree only, once per ISO week, off when they turn it off, constant queries per
user; the real path through Prefect."""

import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.notifications.models import Kind, Notification
from portal.notifications.services import expiry_digests_record, notification_preferences_set
from portal.organisations.permissions import Flag
from tests.factories import OfficeFactory, OrganisationFactory, PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory

MONDAY = date(2026, 11, 30)


def card(office, *, expires_on, first_name):
    employment = EmploymentFactory(organisation=office.organisation, office=office, operative__first_name=first_name)
    return CardFactory(operative=employment.operative, expires_on=expires_on)


@pytest.fixture
def cards(world):
    return {
        "office_soon": card(world.office, expires_on=MONDAY + timedelta(days=40), first_name="Aoife"),
        "office_lapsed": card(world.office, expires_on=MONDAY - timedelta(days=10), first_name="Bryn"),
        "office_long_ago": card(world.office, expires_on=MONDAY - timedelta(days=60), first_name="Cerys"),
        "office_valid": card(world.office, expires_on=MONDAY + timedelta(days=200), first_name="Dafydd"),
        "sibling_soon": card(world.sibling, expires_on=MONDAY + timedelta(days=20), first_name="Eira"),
        "elsewhere_soon": card(
            world.other_organisation.office, expires_on=MONDAY + timedelta(days=5), first_name="Ffion"
        ),
    }


def digest_to(user):
    return Notification.objects.get(kind=Kind.EXPIRY_DIGEST, recipient=user.user)


@pytest.mark.django_db
def test_each_reader_gets_their_subtree_once_a_week(world, cards, settings):
    settings.ECS_RUN_JOBS_INLINE = False
    assert expiry_digests_record(today=MONDAY) == 5  # above, at_office, sibling_user, no_flag, other organisation
    names = {
        "above": digest_to(world.above).body_text,
        "at_office": digest_to(world.at_office).body_text,
        "sibling": digest_to(world.sibling_user).body_text,
        "other": digest_to(world.other_organisation).body_text,
    }
    assert "Aoife" in names["above"] and "Bryn" in names["above"] and "Eira" in names["above"]
    assert "Cerys" not in names["above"] and "Dafydd" not in names["above"] and "Ffion" not in names["above"]
    assert "Aoife" in names["at_office"] and "Eira" not in names["at_office"]
    assert "Eira" in names["sibling"] and "Aoife" not in names["sibling"]
    assert "Ffion" in names["other"] and "Aoife" not in names["other"]
    at_office = digest_to(world.at_office)
    assert "/portal/employees/?status=expiring" in at_office.body_text
    assert "/portal/employees/?status=expired" in at_office.body_text
    assert "start their applications" in at_office.body_html  # they may fill in applications
    assert "1 expiring, 1 expired" in at_office.subject

    # The same week again (any day of it): nothing more. The next week: again.
    assert expiry_digests_record(today=MONDAY + timedelta(days=6)) == 0
    assert expiry_digests_record(today=MONDAY + timedelta(days=7)) == 5


@pytest.mark.django_db
def test_a_user_can_turn_the_digest_off(world, cards, settings):
    settings.ECS_RUN_JOBS_INLINE = False
    notification_preferences_set(user=world.above.user, receive={Kind.PAYMENT_RECEIVED})
    expiry_digests_record(today=MONDAY)
    assert not Notification.objects.filter(recipient=world.above.user).exists()
    assert Notification.objects.filter(recipient=world.at_office.user).exists()


@pytest.mark.django_db
def test_nothing_to_say_sends_nothing(world, settings):
    settings.ECS_RUN_JOBS_INLINE = False
    assert expiry_digests_record(today=MONDAY) == 0


@pytest.mark.django_db
def test_constant_queries_per_user(settings):
    settings.ECS_RUN_JOBS_INLINE = False
    organisation = OrganisationFactory()
    office = OfficeFactory(organisation=organisation)

    def run(week: int, readers: int, cards_each: int) -> int:
        while organisation.portal_users.count() < readers:
            PortalUserFactory(organisation=organisation, office=office, flags=[Flag.VIEW_EMPLOYEES])
        for n in range(cards_each):
            card(office, expires_on=MONDAY + timedelta(days=10 + n), first_name=f"W{week}N{n}")
        with CaptureQueriesContext(connection) as queries:
            assert expiry_digests_record(today=MONDAY + timedelta(weeks=week)) == readers
        return len(queries)

    one, two, four = run(0, 1, 2), run(1, 2, 5), run(2, 4, 30)
    assert four - two == 2 * (two - one)


@pytest.mark.prefect
def test_the_weekly_digest_through_prefect_never_twice_a_week(prefect_worker, settings):
    from tasks.notifications import send_expiry_digests

    organisation = OrganisationFactory()
    office = OfficeFactory(organisation=organisation)
    reader = PortalUserFactory(organisation=organisation, office=office, flags=[Flag.VIEW_EMPLOYEES])
    card(office, expires_on=date.today() + timedelta(days=30), first_name="Gwen")
    mail.outbox.clear()
    assert send_expiry_digests() == 1
    deadline = time.monotonic() + 60
    while not Notification.objects.filter(recipient=reader.user, email_sent_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the digest was not sent through Prefect"
        time.sleep(0.25)
    assert [m.to for m in mail.outbox] == [[reader.user.email]] and "Gwen" in mail.outbox[0].body
    assert send_expiry_digests() == 0  # the same week
    time.sleep(1)
    assert len(mail.outbox) == 1


def test_the_digest_is_a_weekly_deployment():
    from concurrent.futures import ThreadPoolExecutor

    from tasks.serve import deployments

    # Built in a thread of its own, as `python -m tasks.serve` builds them: Prefect hands back coroutines to a
    # thread that runs an event loop (a browser test's, earlier in this process).
    with ThreadPoolExecutor(max_workers=1) as pool:
        built = pool.submit(deployments).result()
    weekly = next(d for d in built if d.flow_name == "send-expiry-digests")
    assert weekly.name == "weekly" and weekly.schedules[0].schedule.cron == "0 7 * * 1"
