"""What the portal tells its users when the card applications and orders announce a fact (connected in
NotificationsConfig). Each receiver runs inside the transaction of the change: the messages are recorded, and
their sending enqueued, with the change or not at all."""

from django.dispatch import receiver

from portal.applications import signals as application_signals
from portal.applications.models import CardApplication
from portal.applications.selectors import ENDORSEMENT_FLAGS
from portal.notifications import selectors
from portal.notifications.models import Kind
from portal.notifications.services import link, notifications_record
from portal.orders import signals as order_signals
from portal.orders.models import BankTransfer, Order
from portal.organisations.permissions import Flag


def _application_context(application: CardApplication) -> dict:
    return {
        "application": application,
        "applicant": application.operative.full_name,
        "card_type": application.card_type.name,
    }


@receiver(application_signals.application_put_on_hold, sender=CardApplication, dispatch_uid="notifications.on_hold")
def on_hold(*, application, **kwargs) -> None:
    event_id = application.events.order_by("-pk").values_list("pk", flat=True).first()
    notifications_record(
        kind=Kind.ON_HOLD,
        event_key=f"application{application.pk}:event{event_id}",
        recipients=selectors.application_recipients(application=application, flag=Flag.FILL_IN_APPLICATIONS),
        context={
            **_application_context(application),
            "missing": application.hold_reason,
            "url": link("applications:supply", application.pk),
        },
        sms_text=(
            f"ECS: card application {application.reference} is on hold until you supply what the JIB asks for. "
            "Sign in to the Employer Portal to see what is missing."
        ),
    )


@receiver(
    application_signals.endorsement_awaited, sender=CardApplication, dispatch_uid="notifications.endorsement_awaited"
)
def endorsement_awaited(*, application, which, **kwargs) -> None:
    endorsement = CardApplication.Endorsement(which)
    what = (
        f"a change in grading to {application.grade}"
        if endorsement == CardApplication.Endorsement.GRADING
        else "Qualified Supervisor status"
    )
    notifications_record(
        kind=Kind.ENDORSEMENT_AWAITED,
        event_key=f"application{application.pk}:{endorsement.value}",
        recipients=selectors.application_recipients(application=application, flag=ENDORSEMENT_FLAGS[endorsement]),
        context={
            **_application_context(application),
            "what": what,
            "url": link("applications:endorse", application.pk, endorsement.value),
        },
        sms_text=(
            f"ECS: card application {application.reference} waits for your endorsement. "
            "Sign in to the Employer Portal to endorse or decline it."
        ),
    )


@receiver(application_signals.application_rejected, sender=CardApplication, dispatch_uid="notifications.rejected")
def rejected(*, application, **kwargs) -> None:
    notifications_record(
        kind=Kind.REJECTED,
        event_key=f"application{application.pk}",
        recipients=selectors.application_recipients(application=application, flag=Flag.VIEW_APPLICATIONS),
        context={
            **_application_context(application),
            "reason": application.decision_reason,
            "url": link("applications:completed"),
        },
    )


@receiver(application_signals.card_prepared, sender=CardApplication, dispatch_uid="notifications.card_prepared")
def card_prepared(*, application, card, **kwargs) -> None:
    notifications_record(
        kind=Kind.CARD_PREPARED,
        event_key=f"card{card.pk}",
        recipients=selectors.application_recipients(application=application, flag=Flag.VIEW_APPLICATIONS),
        context={**_application_context(application), "card": card, "url": link("applications:produced")},
    )


@receiver(application_signals.card_dispatched, sender=CardApplication, dispatch_uid="notifications.card_dispatched")
def card_dispatched(*, application, **kwargs) -> None:
    notifications_record(
        kind=Kind.CARD_DISPATCHED,
        event_key=f"application{application.pk}:card{application.card_id}",
        recipients=selectors.application_recipients(application=application, flag=Flag.VIEW_APPLICATIONS),
        context={
            **_application_context(application),
            "card": application.card,
            "delivery": selectors.card_delivery(application=application),
            "url": link("applications:completed"),
        },
    )


@receiver(order_signals.order_paid, sender=Order, dispatch_uid="notifications.payment_received")
def payment_received(*, order, payment, **kwargs) -> None:
    notifications_record(
        kind=Kind.PAYMENT_RECEIVED,
        event_key=f"payment{payment.pk}",
        recipients=selectors.order_recipients(order=order),
        context={
            "order": order,
            "payment": payment,
            "amount": f"£{payment.amount_pence / 100:,.2f}",
            "method": payment.get_method_display().lower(),
            "receipt_url": link("orders:receipt", payment.pk),
            "url": link("orders:detail", order.pk),
        },
    )


@receiver(
    order_signals.bank_transfer_credited, sender=BankTransfer, dispatch_uid="notifications.bank_transfer_credited"
)
def bank_transfer_credited(*, transfer, organisation, entry, **kwargs) -> None:
    """A BACS transfer credited to the funds on account: a receipt for the employer."""
    notifications_record(
        kind=Kind.PAYMENT_RECEIVED,
        event_key=f"bank{transfer.pk}",
        recipients=selectors.organisation_recipients(organisation=organisation),
        context={
            "credit": True,
            "organisation": organisation,
            "amount": f"£{transfer.amount_pence / 100:,.2f}",
            "method": "BACS bank transfer",
            "receipt_number": f"F{entry.pk:07d}",
            "receipt_url": link("orders:funds_receipt", entry.pk),
            "url": link("orders:history"),
        },
    )
