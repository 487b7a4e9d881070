"""What the assessments domain does when a fact is announced: credits granted when an order of them is paid
(domain to domain), and the delegate told their result once it is on the record."""

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string

from portal.assessments.models import AssessmentResult, Booking
from portal.assessments.signals import result_recorded
from portal.orders.models import Order
from portal.orders.signals import order_paid

log = logging.getLogger(__name__)


@receiver(order_paid, sender=Order, dispatch_uid="assessments.grant_credits")
def grant_credits(sender, *, order, actor=None, **kwargs):
    """A paid order of assessment credits adds them to the organisation's balance."""
    if order.kind == Order.Kind.ASSESSMENT_CREDITS:
        from portal.assessments.services import credits_grant_for_order

        credits_grant_for_order(order=order, actor=actor)


@receiver(result_recorded, sender=Booking, dispatch_uid="assessments.tell_delegate")
def tell_delegate(sender, *, result, **kwargs):
    """Once the result commits, email the delegate their result with the result letter (a failure is logged and
    leaves the result recorded: the employer sees it and can download the letter)."""
    result_id = result.pk
    transaction.on_commit(lambda: result_email_send(result_id=result_id), robust=True)


def result_email_send(*, result_id: int) -> None:
    from portal.assessments.letters import result_letter_pdf

    result = AssessmentResult.objects.select_related("assessment_type", "operative", "booking__organisation").get(
        pk=result_id
    )
    booking = result.booking
    if booking is None or not booking.delegate_email:
        return
    context = {"result": result}
    message = EmailMessage(
        subject=" ".join(render_to_string("assessments/email/result_subject.txt", context).split()),
        body=render_to_string("assessments/email/result.txt", context),
        to=[booking.delegate_email],
    )
    message.attach(f"result-{result.number}.pdf", result_letter_pdf(result=result), "application/pdf")
    message.send()
    log.info("Result %s sent to the delegate of %s.", result.number, booking.reference)
