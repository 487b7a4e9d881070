"""Every back-office page, as every JIB team and as an employer's user: none fails, none shows raw values.

The URLs are read from the back office's own resolver, so a page added later is requested too; path arguments
are filled from cases of every process (open tasks for a person, finished and failed automated steps).
"""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, reverse
from viewflow.workflow.models import Process, Task

from portal.accounts.models import JibTeam
from portal.applications.models import ApplicationDocument
from portal.assessments.models import Booking
from tests.backoffice.pages.test_backoffice_access import casework, team_client  # noqa: F401  (the cases, and a team's client)
from tests.conftest import sign_in
from workflows.site import FLOW_VIEWSETS, site

# What a page must not show: Python's own representation of a value, or a timestamp as a machine writes it.
RAW = re.compile(r"\{'|\['|\{&#x27;|\[&#x27;|None</|True<|False<|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
FLOWS = {viewset._flow_class.instance.flow_label: viewset._flow_class for viewset in FLOW_VIEWSETS}


def routes() -> list[str]:
    """Every route of the back office, with its path arguments as <name>."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                found.append(prefix + str(entry.pattern))

    walk(site.urls[0], "/backoffice/")
    return found


def fill(route: str, document_pk: int) -> list[str]:
    """The route with its arguments filled from the data: the first and last process of its flow, the first and
    last task of its node."""
    names = ARGUMENT.findall(route)
    if not names:
        return [route]
    flow_label = re.search(r"/flows/(\w+)/", route)
    flow = FLOWS[flow_label.group(1)] if flow_label else None
    if names == ["document_pk"]:
        return [ARGUMENT.sub(str(document_pk), route)]
    if names == ["application_pk"]:
        return [ARGUMENT.sub(str(ApplicationDocument.objects.get(pk=document_pk).application_id), route)]
    if names == ["booking_pk", "which"]:
        # An assessment booking's photographs: the sitting's (webcam, ID) and the ECS record's.
        bookings = Booking.objects.order_by("pk")
        chosen = sorted({booking.pk for booking in (bookings.first(), bookings.last()) if booking is not None})
        return [
            route.replace("<int:booking_pk>", str(pk)).replace("<str:which>", which)
            for pk in chosen
            for which in ("webcam", "id", "record")
        ]
    if names == ["process_pk"]:
        processes = Process.objects.filter(flow_class=flow).order_by("pk")
        chosen = {process.pk for process in (processes.first(), processes.last()) if process is not None}
        return [ARGUMENT.sub(str(pk), route) for pk in sorted(chosen)]
    if names == ["process_pk", "task_pk"]:
        node_name = re.search(r"<int:process_pk>/(\w+)/<int:task_pk>", route).group(1)
        tasks = Task.objects.filter(process__flow_class=flow, flow_task=getattr(flow, node_name)).order_by("pk")
        chosen = {task.pk: task for task in (tasks.first(), tasks.last()) if task is not None}
        return [
            route.replace("<int:process_pk>", str(task.process_id)).replace("<int:task_pk>", str(task.pk))
            for task in chosen.values()
        ]
    raise AssertionError(f"no data for the route {route}")


def urls(casework) -> list[str]:  # noqa: F811
    """Every back-office page with its data, and the casework dashboard beside the back office."""
    return [url for route in routes() for url in fill(route, casework.document.pk)] + [reverse("casework_dashboard")]


def check(client, url: str, who: str) -> list[str]:
    response = client.get(url)
    problems = []
    if response.status_code >= 500:
        problems.append(f"{who} {url}: {response.status_code}")
    elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        for match in RAW.finditer(response.text):
            start = max(match.start() - 60, 0)
            problems.append(f"{who} {url}: raw value …{response.text[start : match.end() + 40]!r}")
    return problems


@pytest.mark.django_db
def test_every_backoffice_page_as_every_team_and_as_an_employers_user(casework, primary_user):  # noqa: F811
    """One set of cases for every visitor: each process has cases and a finished automated step (so its task
    lists link a job's page); no page fails or shows a raw value; an employer's user is refused everywhere."""
    for flow in FLOWS.values():
        assert Process.objects.filter(flow_class=flow).exists(), flow
    assert Task.objects.filter(flow_task_type="JOB", status="DONE").exists()
    all_urls = urls(casework)
    assert any("/tasks/" in url for url in all_urls) and any("/execute/" in url for url in all_urls)
    assert len(all_urls) > 100

    problems = []
    for team in JibTeam:
        client = team_client(team)
        problems += [problem for url in all_urls for problem in check(client, url, team)]
    assert not problems, "\n".join(problems)

    portal = sign_in(Client(), primary_user.user)
    for url in all_urls:
        assert portal.get(url).status_code == 403, url


def test_values_read_as_people_read_them(settings):
    from datetime import UTC, date, datetime

    from workflows.common.templatetags.casework import readable

    settings.TIME_ZONE = "Europe/London"
    assert (readable(True), readable(False)) == ("Yes", "No")
    assert readable(date(2026, 11, 30)) == "30 Nov 2026"
    assert readable(datetime(2026, 7, 1, 8, 5, tzinfo=UTC)) == "1 Jul 2026 09:05"  # British Summer Time
    assert readable(["fire", "security"]) == "fire and security"
    assert readable({"outcome": "passed"}) == "" and readable([{"ok": True}]) == "" and readable([]) == ""
    assert readable(12) == "12"
