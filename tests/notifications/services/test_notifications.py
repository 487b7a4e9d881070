"""Each notification: recorded once per event for the users in scope holding the flag, sent (email, and SMS for
what needs action) through the outbox, never to anyone outside scope; optional ones respect preferences."""

import pytest
from django.core import mail
from django.db import transaction

from portal.accounts.models import SmsMessage
from portal.applications import services as application_services
from portal.applications import signals
from portal.applications.models import CardApplication
from portal.core.models import BackgroundJob
from portal.notifications.models import Kind, Notification, NotificationEvent, NotificationOptOut
from portal.notifications.services import SEND_KIND, notification_preferences_set
from portal.orders import services as order_services
from portal.orders.models import Order, Payment
from portal.orders.selectors import order_totals
from portal.orders.signals import order_paid
from portal.organisations.permissions import Flag
from portal.registry.models import Grade, Occupation
from tests.applications.flows.test_card_application_processing import (
    approve_and_dispatch,
    jib_client,
    pay,
    prepare_application,
    work,
)
from tests.factories import PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory
from workflows.card_application.flows import CardApplicationFlow as Flow

pytestmark = pytest.mark.django_db
Status = CardApplication.Status


def recipients(kind) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def emailed(subject_part: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


MANUAL = ("2357-13", "2382-22")  # the AM2 is missing: the pre-checks hand the case to a person
AUTOMATIC = ("2357-13", "AM2", "2382-22")


def application_at(world, codes=MANUAL, **kwargs):
    employment = EmploymentFactory(organisation=world.office.organisation, office=world.office)
    return prepare_application(world.at_office, employment=employment, codes=codes, **kwargs)


def test_on_hold_tells_the_users_who_can_supply_by_email_and_sms_once(
    world, inline_jobs, django_capture_on_commit_callbacks
):
    application = pay(application_at(world), world.at_office, django_capture_on_commit_callbacks)
    verifier = jib_client("verification")
    mail.outbox.clear()
    work(
        verifier,
        application,
        Flow.verify,
        {"decision": "hold", "text": "The AM2 certificate."},
        django_capture_on_commit_callbacks,
    )
    assert application.status == Status.ON_HOLD
    assert recipients(Kind.ON_HOLD) == sorted(world.in_scope)
    expected = sorted([world.above.user.email, world.at_office.user.email])
    assert emailed("is on hold") == expected
    message = next(m for m in mail.outbox if m.to == [world.at_office.user.email])
    assert "The AM2 certificate." in message.body and f"/portal/applications/{application.pk}/supply/" in message.body
    html = message.alternatives[0][0]
    assert "The AM2 certificate." in html and f"/portal/applications/{application.pk}/supply/" in html
    texts = SmsMessage.objects.filter(body__contains=application.reference)
    assert sorted(texts.values_list("to", flat=True)) == sorted([world.above.user.mobile, world.at_office.user.mobile])
    assert "AM2" not in texts.first().body  # the details stay in the portal
    assert all(n.email_sent_at and n.sms_sent_at for n in Notification.objects.all())

    # The same announcement again tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        signals.application_put_on_hold.send(sender=CardApplication, application=application, actor=None)
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2 and texts.count() == 2


def test_endorsements_awaited_go_to_the_endorsers_at_or_above_the_office(
    world, inline_jobs, django_capture_on_commit_callbacks
):
    occupation = Occupation.objects.get(name="Installation Electrician")
    employment = EmploymentFactory(organisation=world.office.organisation, office=world.office)
    CardFactory(
        operative=employment.operative,
        card_type=occupation.card_type,
        grade=Grade.objects.get(occupation=occupation, name="Electrician"),
    )
    grading_only = PortalUserFactory(
        organisation=world.office.organisation, office=world.office, flags=[Flag.ENDORSE_GRADING]
    )
    application = prepare_application(
        world.at_office, employment=employment, grade="Approved Electrician", qualified_supervisor=True
    )
    application = pay(application, world.at_office, django_capture_on_commit_callbacks)
    assert application.status == Status.AWAITING_ENDORSEMENT
    keys = set(Notification.objects.filter(kind=Kind.ENDORSEMENT_AWAITED).values_list("recipient_id", "key"))
    grading = {(u, k) for u, k in keys if ":grading:" in k}
    supervisor = {(u, k) for u, k in keys if ":supervisor:" in k}
    assert {u for u, _ in grading} == world.in_scope | {grading_only.user_id}
    assert {u for u, _ in supervisor} == world.in_scope  # grading_only lacks the Qualified Supervisor flag
    assert emailed("waits for your endorsement").count(world.above.user.email) == 2
    grading_mail = next(m for m in mail.outbox if m.to == [grading_only.user.email])
    assert f"/portal/applications/{application.pk}/endorse/grading/" in grading_mail.body
    assert "Approved Electrician" in grading_mail.body
    assert SmsMessage.objects.filter(to=grading_only.user.mobile, body__contains="endorsement").count() == 1

    # The process reaching the same step again announces nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        application_services.card_application_await_endorsement(application=application, which="grading")
    assert Notification.objects.filter(kind=Kind.ENDORSEMENT_AWAITED).count() == len(keys)


def test_rejected_prepared_and_dispatched(world, inline_jobs, django_capture_on_commit_callbacks):
    viewer = PortalUserFactory(
        organisation=world.office.organisation, office=world.office, flags=[Flag.VIEW_APPLICATIONS]
    )
    rejected = pay(application_at(world), world.at_office, django_capture_on_commit_callbacks)
    verifier = jib_client("verification")
    work(
        verifier,
        rejected,
        Flow.verify,
        {"decision": "reject", "text": "No Level 3 qualification."},
        django_capture_on_commit_callbacks,
    )
    assert recipients(Kind.REJECTED) == sorted(world.in_scope | {viewer.user_id})
    message = next(m for m in mail.outbox if m.to == [viewer.user.email] and "rejected" in m.subject)
    assert "No Level 3 qualification." in message.body and rejected.reference in message.subject
    assert not SmsMessage.objects.filter(body__contains=rejected.reference).exists()  # email only

    mail.outbox.clear()
    application = application_at(world, codes=AUTOMATIC, registered_electrician=True)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_services.order_place_applications(
            actor=world.at_office.user,
            organisation=world.office.organisation,
            applications=[application],
            order=None,
            new_order={"your_reference": "PO-7", "office": world.office, "billing_office": world.office,
                       "deliver_to": world.office, "accounts_contact": "Mr Accounts",
                       "delivery_attention": "Site manager"},
            close=True,
        )  # fmt: skip
        order_services.order_mark_paid(
            order=order, method="card", amount_pence=order_totals(order=order).total_pence, source_reference="pi_1"
        )
    application.refresh_from_db()
    assert application.status == Status.VERIFIED
    approve_and_dispatch(application, django_capture_on_commit_callbacks)
    card = application.card
    assert recipients(Kind.CARD_PREPARED) == sorted(world.in_scope | {viewer.user_id})
    assert recipients(Kind.CARD_DISPATCHED) == sorted(world.in_scope | {viewer.user_id})
    prepared = next(m for m in mail.outbox if m.to == [viewer.user.email] and "prepared" in m.subject)
    assert card.number in prepared.subject and card.expires_on.strftime("%-d %B %Y") in prepared.body
    sent = next(m for m in mail.outbox if m.to == [viewer.user.email] and "has been sent" in m.subject)
    assert card.number in sent.body and "Leeds Office" in sent.body and "Site manager" in sent.body
    everyone_told = {m.to[0] for m in mail.outbox}
    for outsider in (world.sibling_user, world.no_flag, world.other_organisation):
        assert outsider.user.email not in everyone_told


def test_payment_received_links_the_receipt_for_purchasers_in_scope(
    world, inline_jobs, django_capture_on_commit_callbacks
):
    buyer = PortalUserFactory(organisation=world.office.organisation, office=world.office, flags=[Flag.VIEW_PURCHASES])
    application = application_at(world)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_services.order_place_applications(
            actor=world.at_office.user,
            organisation=world.office.organisation,
            applications=[application],
            order=None,
            new_order={"your_reference": "PO-9", "office": world.office, "billing_office": world.office,
                       "deliver_to": world.office, "accounts_contact": "Mr Accounts"},
            close=True,
        )  # fmt: skip
        total = order_totals(order=order).total_pence
        assert order_services.order_mark_paid(order=order, method="card", amount_pence=total, source_reference="pi")
    payment = Payment.objects.get(order=order)
    assert recipients(Kind.PAYMENT_RECEIVED) == sorted(world.in_scope | {buyer.user_id})
    message = next(m for m in mail.outbox if m.to == [buyer.user.email] and "Payment received" in m.subject)
    assert f"/portal/orders/receipts/{payment.pk}/" in message.body and payment.receipt_number in message.body
    assert f"£{total / 100:,.2f}" in message.body and "notification preferences" in message.body
    told = emailed("Payment received")
    for outsider in (world.sibling_user, world.no_flag, world.other_organisation):
        assert outsider.user.email not in told

    # A repeated report of the payment, and a repeated announcement, send nothing more.
    assert not order_services.order_mark_paid(order=order, method="card", amount_pence=total, source_reference="pi")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        order_paid.send(sender=Order, order=order, payment=payment, actor=None)
    assert len(emailed("Payment received")) == len(told) == 3


def test_an_optional_kind_turned_off_is_not_sent_and_essential_ones_cannot_be(
    world, inline_jobs, django_capture_on_commit_callbacks
):
    notification_preferences_set(user=world.above.user, receive=set())
    assert set(NotificationOptOut.objects.filter(user=world.above.user).values_list("kind", flat=True)) == {
        Kind.PAYMENT_RECEIVED,
        Kind.CARD_PREPARED,
        Kind.CARD_DISPATCHED,
        Kind.EXPIRY_DIGEST,
    }
    assert NotificationEvent.objects.filter(user=world.above.user, what__startswith="Turned off").count() == 4
    with pytest.raises(Exception, match="Choose only"):
        notification_preferences_set(user=world.above.user, receive={Kind.ON_HOLD})
    application = application_at(world)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_services.order_place_applications(
            actor=world.at_office.user,
            organisation=world.office.organisation,
            applications=[application],
            order=None,
            new_order={"your_reference": "PO-3", "office": world.office, "billing_office": world.office,
                       "deliver_to": world.office, "accounts_contact": "Mr Accounts"},
            close=True,
        )  # fmt: skip
        order_services.order_mark_paid(
            order=order, method="card", amount_pence=order_totals(order=order).total_pence, source_reference="pi"
        )
    assert recipients(Kind.PAYMENT_RECEIVED) == [world.at_office.user_id]
    application.refresh_from_db()
    application.status = Status.VERIFYING  # as the pre-checks leave it for a case worker
    application.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        application_services.card_application_verification_decide(
            application=application, actor=world.at_office.user, documents={}, decision="hold", text="A photo."
        )
    assert world.above.user_id in recipients(Kind.ON_HOLD)  # essential: sent whatever the preferences


def test_sending_goes_through_the_outbox_and_survives_a_failed_sms(world, settings, django_capture_on_commit_callbacks):
    """Without inline jobs the request only records: the sending waits in the outbox for the relay."""
    settings.ECS_RUN_JOBS_INLINE = False
    application = pay(application_at(world), world.at_office, django_capture_on_commit_callbacks)
    application.status = Status.VERIFYING
    application.save(update_fields=["status"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_services.card_application_verification_decide(
            application=application, actor=world.at_office.user, documents={}, decision="hold", text="A photo."
        )
    notifications = list(Notification.objects.filter(kind=Kind.ON_HOLD))
    assert len(notifications) == 2 and not mail.outbox
    jobs = BackgroundJob.objects.filter(kind=SEND_KIND, handed_at__isnull=True)
    assert sorted(jobs.values_list("ref", flat=True)) == sorted(str(n.pk) for n in notifications)

    from portal.notifications.services import notification_send

    settings.SMS_BACKEND = "tests.notifications.services.test_notifications.FailingSms"
    first = notifications[0]
    with pytest.raises(RuntimeError):
        notification_send(notification_id=first.pk)
    first.refresh_from_db()
    assert first.email_sent_at and not first.sms_sent_at and len(mail.outbox) == 1
    settings.SMS_BACKEND = "portal.accounts.sms.OutboxBackend"
    assert notification_send(notification_id=first.pk) is True  # the retry sends the SMS only
    first.refresh_from_db()
    assert first.sms_sent_at and len(mail.outbox) == 1 and first.attempts == 2
    assert notification_send(notification_id=first.pk) is False


class FailingSms:
    def send(self, *, to, body):
        raise RuntimeError("gateway down")
