"""Browser tests (`tests/<area>/browser/`): Playwright driving Debian's Chromium, headless, against pytest-django's
live server. A plugin of `tests/conftest.py`, so these fixtures reach every area's browser tests.

`axe_check(page)` runs axe-core in the page and fails on serious or critical accessibility violations.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent.name == "browser":
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, django_db_serialized_rollback, live_server, transactional_db):
    """A page that fails the test if the Content-Security-Policy blocked anything on the way."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    if blocked:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(blocked))


def axe_check(page, *, impacts=("serious", "critical")) -> None:
    """Fail listing every axe-core violation of the given impacts on the current page."""
    page.evaluate(AXE_JS)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in results["violations"] if v.get("impact") in impacts]
    if bad:
        lines = [
            f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(n['target'][0] for n in v['nodes'][:5])}"
            for v in bad
        ]
        pytest.fail(f"Accessibility violations on {page.url}:\n" + "\n".join(lines))


def latest_code(user) -> str:
    from portal.accounts.models import SmsMessage

    body = SmsMessage.objects.filter(to=user.mobile).values_list("body", flat=True).first()
    return re.search(r"code is (\d{6})", body).group(1)


def browser_sign_in(page, user, password="correct horse battery") -> None:
    """Sign in through both factors as a person would, reading the code from the SMS outbox."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/accounts/sign-in/code/"))
    page.get_by_label("Security code").fill(latest_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/sign-in" not in url)
