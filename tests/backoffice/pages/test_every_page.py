"""Every back-office page in one design, every value as people read it, and only the actions a person may take.

Every route of the back office (viewflow's and ours) is requested with demo-like cases of every process, as every
JIB team: none fails, none shows Python's representation of a value, a machine timestamp, pence or viewflow's
Material frame; every action a page offers its visitor opens for that visitor (no Cancel that then says 403).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal.accounts.models import JibTeam
from tests.backoffice.pages.test_backoffice_access import casework, team_client  # noqa: F401
from tests.backoffice.pages.test_backoffice_pages import urls

# What no back-office page may show.
RAW = re.compile(
    r"\{'|\['|\{&#x27;|\[&#x27;|&#x27;\]|\bNone\b(?![ \xa0]+[a-z])|\bTrue\b|\bFalse\b"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|>[^<]*?\b\d{4}-\d{2}-\d{2}\b|\bpence\b|\bPence\b"
    r"|&lt;[\w.]+(?::|/\d)|[Ff]ingerprint|mdc-|vf-card|vf-page|material-icons|<style|\bonclick=|<script>"
)
ACTION = re.compile(r'href="(/backoffice/[^"]+/(?:cancel|undo|revive|assign|unassign|execute)/)"')
DUMP = os.environ.get("BACKOFFICE_DUMP")  # a folder: each page's HTML is written there to be looked at


def visible(html: str) -> str:
    """The page without its <head> (the title is checked too, the stylesheet links are not)."""
    head_end = html.find("</head>")
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    return (title.group(1) if title else "") + html[head_end:]


def problems_of(client, url: str, who: str) -> tuple[list[str], str]:
    response = client.get(url)
    found = []
    if response.status_code >= 500:
        return [f"{who} {url}: {response.status_code}"], ""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return [], ""
    html = response.text
    if DUMP:
        name = f"{who}{url.replace('/', '_')}.html"
        Path(DUMP).mkdir(parents=True, exist_ok=True)
        (Path(DUMP) / name).write_text(html)
    if url.startswith("/backoffice") and ("ECS back office" not in html or 'class="ecs-nav bo-nav"' not in html):
        found.append(f"{who} {url}: not in the back-office design")
    text = visible(html)
    for match in RAW.finditer(text):
        start = max(match.start() - 80, 0)
        found.append(f"{who} {url}: raw value …{text[start : match.end() + 40]!r}")
    return found, html


@pytest.mark.django_db
def test_every_backoffice_page_in_one_design_with_readable_values_and_allowed_actions(casework):  # noqa: F811
    all_urls = urls(casework)
    assert len(all_urls) > 100
    problems = []
    for team in JibTeam:
        client = team_client(team)
        offered = set()
        for url in all_urls:
            found, html = problems_of(client, url, team)
            problems += found
            offered.update(ACTION.findall(html))
        for action in sorted(offered):
            status = client.get(action).status_code
            if status in (403, 404, 405) or status >= 500:
                problems.append(f"{team}: offered {action}, which answers {status}")
    problems.sort(key=lambda p: "offered" not in p)
    assert not problems, "\n".join(problems[:80]) + f"\n({len(problems)} problems)"


def test_the_raw_value_check_can_fail():
    for raw in (
        "{'ok': True}",
        "['fire']",
        "None",
        "2026-11-30T07:31",
        "Amount pence",
        "Fingerprint",
        "mdc-card",
        "&lt;cardapplication.Verify/90&gt;",
    ):
        assert RAW.search(raw), raw
    assert not RAW.search("30 Nov 2026 07:31 · £36.00 · fire and security")
    assert urlsplit("/backoffice/x/").path


HREF = re.compile(r'href="(/backoffice[^"#]*)"')
# Links that are not pages: files, exports, charts as pictures, and the viewflow routes the test above requests.
NOT_PAGES = re.compile(r"\?format=|/document/|/photo/|/accounts/|\.csv|/export|/workflow/")


@pytest.mark.django_db
def test_the_back_office_sections_beyond_viewflow_as_every_team(casework):  # noqa: F811
    """My work, the team queues, incidents, dashboards and finance, and the pages they link to (two links deep):
    in the back-office design, no 5xx, no raw values."""
    from django.urls import NoReverseMatch, reverse

    starts = []
    for name in ("tasklist:my_work", "tasklist:queues", "incidents:list", "finance:index", "casework_dashboard"):
        try:
            starts.append(reverse(name))
        except NoReverseMatch:
            continue
    problems, requested = [], 0
    for team in JibTeam:
        client = team_client(team)
        seen, level = set(), list(starts)
        for _ in range(3):
            following = []
            for url in level:
                if url in seen or len(seen) > 150:
                    continue
                seen.add(url)
                found, html = problems_of(client, url, team)
                requested += 1
                problems += found
                following += [href.replace("&amp;", "&") for href in HREF.findall(html) if not NOT_PAGES.search(href)]
            level = following
    assert requested > 20
    assert not problems, "\n".join(problems[:60]) + f"\n({len(problems)} problems)"
