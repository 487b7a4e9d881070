"""What the assessments domain does when other parts of the portal announce a fact (domain to domain)."""

from django.dispatch import receiver

from portal.orders.models import Order
from portal.orders.signals import order_paid


@receiver(order_paid, sender=Order, dispatch_uid="assessments.grant_credits")
def grant_credits(sender, *, order, actor=None, **kwargs):
    """A paid order of assessment credits adds them to the organisation's balance."""
    if order.kind == Order.Kind.ASSESSMENT_CREDITS:
        from portal.assessments.services import credits_grant_for_order

        credits_grant_for_order(order=order, actor=actor)
