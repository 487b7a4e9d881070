"""`{{ card.number|card_qr }}`: a card's QR code as an inline SVG (portal.registry.card_codes)."""

from django import template
from django.utils.safestring import mark_safe

from portal.registry.card_codes import card_qr_svg

register = template.Library()


@register.filter
def card_qr(number: str) -> str:
    # segno writes the SVG itself; the title holds the card number only (digits).
    return mark_safe(card_qr_svg(str(number)))  # noqa: S308
