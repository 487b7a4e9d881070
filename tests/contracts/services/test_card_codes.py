"""What an ECS card's QR code carries (the card number in a link, nothing personal) and the number read back."""

import pytest

from portal.registry.card_codes import card_link, card_number_from_code, card_qr, card_qr_svg


def test_the_code_carries_a_link_to_the_card_number_and_nothing_else(settings):
    settings.SITE_URL = "https://portal.ecscard.org.uk"
    assert card_link("60000001") == "https://portal.ecscard.org.uk/c/60000001/"
    code = card_qr("60000001")
    # Small enough for a card and a phone's camera at arm's length (version 3 is 29 × 29 modules).
    assert code.version <= 3 and code.error == "M"


def test_the_svg_is_titled_for_screen_readers_and_holds_no_name():
    svg = card_qr_svg("60000001")
    assert svg.startswith("<svg") and "<title>QR code of ECS card 60000001</title>" in svg


@pytest.mark.parametrize(
    "text, number",
    [
        ("http://testserver/c/60000001/", "60000001"),
        ("https://portal.ecscard.org.uk/c/60000001", "60000001"),  # another installation's cards read too
        ("  https://portal.ecscard.org.uk/c/123456/ ", "123456"),
        ("https://portal.ecscard.org.uk/portal/site-checks/spot-check/?number=60000001", "60000001"),
        ("https://portal.ecscard.org.uk/portal/records/card-check/?number=60000001", "60000001"),
        ("60000001", "60000001"),  # a scanner that sends the digits only
        ("https://portal.ecscard.org.uk/c/6000/", None),  # too short for a card number
        ("https://portal.ecscard.org.uk/c/60000001abc/", None),
        ("https://evil.example/other/60000001/", None),
        ("https://portal.ecscard.org.uk/portal/site-checks/spot-check/?number=1&number=60000001", None),
        ("javascript:alert(1)//c/60000001/", None),
        ("/c/60000001/", None),
        ("WIFI:S:site;T:WPA;P:secret;;", None),
        ("", None),
    ],
)
def test_the_number_is_read_back_from_a_card_code_only(text, number):
    assert card_number_from_code(text) == number


def test_what_a_card_code_carries_reads_back_as_its_number():
    assert card_number_from_code(card_link("61234567")) == "61234567"


def test_the_printed_cards_code_reads_back_as_its_link(tmp_path):
    """The card face PDF drawn, rendered as a printer would (pdftoppm) and its code read by OpenCV's QR reader."""
    import subprocess
    from datetime import date
    from types import SimpleNamespace

    import cv2

    from portal.registry.card_face import card_face_pdf

    card = SimpleNamespace(
        number="60000123",
        card_type=SimpleNamespace(name="Craft or Related Disciplines"),
        operative=SimpleNamespace(full_name="Jeff Jones"),
        occupation_id=None,
        grade_id=None,
        expires_on=date(2029, 11, 30),
    )
    (tmp_path / "card.pdf").write_bytes(card_face_pdf(card=card))
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-singlefile", "card.pdf", "card"], cwd=tmp_path, check=True)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(tmp_path / "card.png")))
    assert text == card_link("60000123")
