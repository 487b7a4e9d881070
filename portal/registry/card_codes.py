"""The QR code on an ECS card, both ways: what it carries (`card_link`) and the card number read back from it
(`card_number_from_code`).

The code carries a link to the card's number and nothing else: `<SITE_URL>/c/<number>/`. The number is printed on
the card anyway; a name, a date of birth or a photo never goes into the code. Opened by a phone's own camera app,
the link leads a signed-in user to the spot check with the number filled in (or to the card check, for a user
without ECS Check); read by the spot check page's "Scan a card", the number is taken out of it here, on the
server, so that the rule of what a card's code looks like exists once.
"""

import re
from urllib.parse import parse_qs, urlsplit

import segno
from django.conf import settings
from django.urls import reverse

# Card numbers, as the spot check accepts them.
NUMBER = re.compile(r"[0-9]{6,12}")
# Error correction M (15 %): a card carried in a pocket gets scuffed; the link still fits a version 3 code.
ERROR_CORRECTION = "m"


def card_link(number: str) -> str:
    """The link a card's QR code carries: the site's address and the card number."""
    return settings.SITE_URL + reverse("card_link", args=[number])


def card_qr(number: str) -> segno.QRCode:
    return segno.make(card_link(number), error=ERROR_CORRECTION, micro=False)


def card_qr_svg(number: str, *, scale: int = 4) -> str:
    """The card's QR code as an inline SVG (dark on white, with the quiet zone), titled for screen readers."""
    return card_qr(number).svg_inline(scale=scale, title=f"QR code of ECS card {number}", dark="#0b0c0c", light="#fff")


def card_number_from_code(text: str) -> str | None:
    """The card number a scanned code carries, or None when the code is not an ECS card's.

    Accepted: a card's link (`…/c/<number>/`, from any address: cards printed by one installation are checked on
    another), the spot check's or card check's address with `?number=`, or the bare number (older cards and
    hand-held scanners that send only the digits)."""
    text = (text or "").strip()
    if NUMBER.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    link_prefix = reverse("card_link", args=["000000"]).removesuffix("000000/")
    if parts.path.startswith(link_prefix):
        number = parts.path.removeprefix(link_prefix).rstrip("/")
        return number if NUMBER.fullmatch(number) else None
    if parts.path.rstrip("/") in (
        reverse("sitechecks:spot_check").rstrip("/"),
        reverse("registry:card_check").rstrip("/"),
    ):
        numbers = parse_qs(parts.query).get("number", [])
        if len(numbers) == 1 and NUMBER.fullmatch(numbers[0].strip()):
            return numbers[0].strip()
    return None
