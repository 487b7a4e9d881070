"""A Chromium with a fake camera for the delegate's session: Chromium's fake device shows a drawn face (a Y4M
file), and its fake permission prompt allows the camera.

It is a second browser of the shared Playwright instance (tests.browser_fixtures' `browser`): a second
`sync_playwright()` in the same process would find the first one's event loop running and refuse to start."""

import numpy as np
import pytest

from tests.assessments.session.support import drawn_face
from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS


def write_y4m(path, frames: int = 10) -> None:
    """A few frames of the drawn face as raw YUV 4:2:0 video (the format Chromium's fake camera reads)."""
    luma = drawn_face(size=(640, 480))
    height, width = luma.shape
    chroma = np.full((height // 2, width // 2), 128, np.uint8).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma.tobytes() + chroma + chroma)


@pytest.fixture(scope="session")
def camera_browser(browser, tmp_path_factory):
    video = tmp_path_factory.mktemp("camera") / "face.y4m"
    write_y4m(video)
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
def camera_page(camera_browser, django_db_serialized_rollback, live_server, transactional_db, settings, tmp_path):
    """A page with a camera that fails the test if the Content-Security-Policy blocked anything."""
    settings.ECS_RUN_JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    context = camera_browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda m: (
            blocked.append(f"{page.url}: {m.text}")
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    yield page
    context.close()
    if blocked:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(blocked))
