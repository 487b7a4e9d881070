"""On site with a phone: "Scan a card" opens the camera, reads the card's QR code and shows the verdict.

Chromium's fake camera plays a Y4M file of a card's QR code (made here with the same `card_qr` the cards show), its
fake permission prompt allows the camera, and jsQR in the page reads the code."""

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from portal.registry.card_codes import card_qr
from portal.sitechecks.models import SpotCheck
from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, axe_check, browser_sign_in
from tests.contracts.sitecheck_factories import chain, make_worker

NUMBER = "80000011"


def write_card_video(path, number: str, frames: int = 10) -> None:
    """A few frames of a card's QR code held in front of the camera (grey luma, neutral chroma), 640 × 480."""
    buffer = io.BytesIO()
    card_qr(number).save(buffer, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    frame = Image.new("L", (640, 480), 200)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    luma = np.asarray(frame, dtype=np.uint8)
    chroma = np.full((240, 320), 128, np.uint8).tobytes()
    with open(path, "wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma.tobytes() + chroma + chroma)


@pytest.fixture(scope="module")
def card_camera_browser(browser, tmp_path_factory):
    # The card's link is made with the live server's address unknown yet: the reader takes the number from the
    # path, whatever the address (cards printed by one installation are checked on another).
    video = tmp_path_factory.mktemp("card-camera") / "card.y4m"
    write_card_video(video, NUMBER)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    camera = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield camera
    camera.close()


@pytest.fixture
def phone(card_camera_browser, django_db_serialized_rollback, live_server, transactional_db):
    """A phone-sized page with a camera that fails the test if the Content-Security-Policy blocked anything."""
    context = card_camera_browser.new_context(base_url=live_server.url, viewport={"width": 412, "height": 915})
    context.set_default_timeout(15000)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    if blocked:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(blocked))


def test_scan_a_card_with_the_phone_camera(phone):
    c = chain()
    make_worker(c["parties"]["a"], number=NUMBER)
    manager = c["users"]["main"]
    browser_sign_in(phone, manager.user)
    phone.goto("/portal/site-checks/spot-check/")
    scan = phone.get_by_role("button", name="Scan a card")
    expect(scan).to_be_visible()
    axe_check(phone)
    scan.click()
    expect(phone.get_by_role("status")).to_contain_text("Allowed on site")
    expect(phone.get_by_role("status")).to_contain_text("Read from the card's QR code")
    expect(phone.get_by_label("ECS card number")).to_have_value(NUMBER)
    expect(phone.get_by_role("button", name="Stop scanning")).to_be_hidden()
    axe_check(phone)
    entry = SpotCheck.objects.get()
    assert (entry.number, entry.contract, entry.checked_by, entry.on_contract) == (
        NUMBER,
        c["contract"],
        manager.user,
        True,
    )
    # Typing the number still works beside the camera.
    phone.get_by_role("button", name="Check the card").click()
    expect(phone.get_by_role("status")).to_contain_text("Allowed on site")
    assert SpotCheck.objects.count() == 2
