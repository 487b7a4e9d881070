"""The incidents pages: open to the teams that work the process, 403 for other JIB teams and portal users; the
list costs the same queries however many incidents there are; values as people read them."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from portal.accounts import services as account_services
from tests.backoffice.incident_factories import make_incident
from tests.conftest import sign_in
from workflows.card_application.flows import CardApplicationFlow
from workflows.licence.flows import LicenceFlow

_count = [0]


def staff(*teams) -> Client:
    _count[0] += 1
    n = _count[0]
    user = account_services.jib_staff_create(
        email=f"inc{n}@jib.example", first_name="Ivy", last_name=f"Incident{n}", mobile=f"+4477009{n:05d}",
        teams=list(teams), password="correct horse battery",
    )  # fmt: skip
    return sign_in(Client(), user)


@pytest.mark.django_db
def test_each_team_sees_the_incidents_of_its_own_processes():
    card = make_incident(CardApplicationFlow.pre_checks, case="ECS0000101 Jeff Jones")
    licence = make_incident(LicenceFlow.checks, case="LA-7 Sparks Ltd", error="Companies House is unavailable.")
    verifier = staff("verification")
    page = verifier.get("/backoffice/incidents/")
    assert page.status_code == 200
    assert "ECS0000101 Jeff Jones" in page.text and "Sparks Ltd" not in page.text
    assert verifier.get(f"/backoffice/incidents/{card.pk}/").status_code == 200
    assert verifier.get(f"/backoffice/incidents/{licence.pk}/").status_code == 403
    assert verifier.post(f"/backoffice/incidents/{licence.pk}/retry/").status_code == 403
    licensing = staff("licensing")
    assert "Sparks Ltd" in licensing.get("/backoffice/incidents/").text
    assert licensing.get(f"/backoffice/incidents/{card.pk}/").status_code == 403
    assert licensing.post(f"/backoffice/incidents/{card.pk}/manual/").status_code == 403
    finance = staff("finance")
    listed = finance.get("/backoffice/incidents/")
    assert listed.status_code == 200 and "Jeff Jones" not in listed.text and "Sparks" not in listed.text
    leader = staff("team_leader")
    both = leader.get("/backoffice/incidents/").text
    assert "Jeff Jones" in both and "Sparks Ltd" in both
    assert staff("verification").get("/backoffice/incidents/999999/").status_code == 404


@pytest.mark.django_db
def test_portal_users_and_strangers_are_refused(client, primary_user):
    incident = make_incident(CardApplicationFlow.pre_checks)
    assert client.get("/backoffice/incidents/").status_code == 302  # to sign in
    sign_in(client, primary_user.user)
    assert client.get("/backoffice/incidents/").status_code == 403
    assert client.get(f"/backoffice/incidents/{incident.pk}/").status_code == 403
    assert client.post(f"/backoffice/incidents/{incident.pk}/retry/").status_code == 403


@pytest.mark.django_db
def test_the_list_reads_as_people_read_it():
    when = datetime(2026, 11, 30, 7, 31, tzinfo=ZoneInfo("Europe/London"))
    make_incident(CardApplicationFlow.pre_checks, case="ECS0000102 Ann Lee", tries=4, opened_at=when)
    page = staff("verification").get("/backoffice/incidents/").text
    assert "30 Nov 2026 07:31" in page
    assert "Automated pre-checks" in page and "City &amp; Guilds is unavailable." in page
    assert re.search(r">\s*4\s*<", page)  # tries
    assert "/backoffice/workflow/flows/cardapplication/" in page  # the case, linked
    assert "{'" not in page and "None" not in page


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_however_many_incidents(django_assert_max_num_queries):
    client = staff("team_leader")
    make_incident(CardApplicationFlow.pre_checks)
    client.get("/backoffice/incidents/")
    with django_assert_max_num_queries(12) as few:
        client.get("/backoffice/incidents/")
    for n in range(30):
        make_incident(LicenceFlow.checks if n % 2 else CardApplicationFlow.pre_checks, case=f"Case {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/backoffice/incidents/")
    assert page.text.count("Retry or check by hand") == 31


@pytest.mark.django_db
def test_an_action_is_recorded_and_shown(django_capture_on_commit_callbacks, settings):
    settings.ECS_RUN_JOBS_INLINE = False
    incident = make_incident(LicenceFlow.checks, case="ECS0000103 Bo Diaz")
    client = staff("licensing")
    response = client.post(f"/backoffice/incidents/{incident.pk}/retry/")
    assert response.status_code == 302
    detail = client.get(f"/backoffice/incidents/{incident.pk}/").text
    assert "Run again" in detail and "Ivy Incident" in detail
    assert "Run the step again" not in detail  # no action on a resolved incident
    resolved = client.get("/backoffice/incidents/?state=resolved").text
    assert "ECS0000103 Bo Diaz" in resolved and "Run again by Ivy" in resolved
    again = client.post(f"/backoffice/incidents/{incident.pk}/retry/", follow=True)
    assert "already resolved" in again.text


@pytest.mark.django_db
def test_several_steps_run_again_at_once_each_recorded(settings):
    settings.ECS_RUN_JOBS_INLINE = False
    first, second = make_incident(LicenceFlow.checks, case="LA-1"), make_incident(LicenceFlow.checks, case="LA-2")
    card = make_incident(CardApplicationFlow.pre_checks, case="ECS0000104 Cy Dee")
    client = staff("licensing")
    assert client.post("/backoffice/incidents/retry/", {"incident": [first.pk, second.pk]}).status_code == 302
    for incident in (first, second):
        incident.refresh_from_db()
        assert incident.resolution == "retried" and incident.events.last().what == "Run again."
    # Another team's incident among the chosen is refused, and nothing of it is done.
    assert client.post("/backoffice/incidents/retry/", {"incident": [card.pk]}).status_code == 403
    card.refresh_from_db()
    assert card.is_open
    nothing = client.post("/backoffice/incidents/retry/", {}, follow=True)
    assert "Choose the incidents to run again." in nothing.text
