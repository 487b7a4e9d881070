"""The work lists with real cases of every process (the demo's card applications, a licence application, a BACS
transfer), opened as every JIB team: no page fails or shows a raw value, each queue names its cases, and a team
reaches only its own queues (team leaders and managers reach all)."""

import re

import pytest
from django.urls import reverse

from portal.accounts.models import JibTeam
from tests.backoffice.pages.test_backoffice_access import casework, team_client  # noqa: F401
from tests.backoffice.pages.test_tasklist_pages import RAW
from workflows.tasklist.queues import team_queues


@pytest.mark.django_db
def test_work_lists_as_every_team(casework):  # noqa: F811
    queues = {queue.team: queue for queue in team_queues()}
    assert set(queues) == {
        JibTeam.LICENSING,
        JibTeam.VERIFICATION,
        JibTeam.PROCESSING,
        JibTeam.FINANCE,
        JibTeam.INVIGILATION,
        JibTeam.TEAM_LEADER,
    }
    problems = []
    for team in JibTeam:
        client = team_client(team)
        for url in [reverse("tasklist:my_work"), reverse("tasklist:queues")] + [
            reverse("tasklist:queue", args=[name]) for name in queues
        ]:
            response = client.get(url)
            manages = team in (JibTeam.TEAM_LEADER, JibTeam.MANAGER)
            own = url.rstrip("/").rsplit("/", 1)[-1] == team or "/queues/" not in url or url.endswith("/queues/")
            expected = 200 if manages or own else 403
            if response.status_code != expected:
                problems.append(f"{team} {url}: {response.status_code}, expected {expected}")
            elif response.status_code == 200:
                for match in RAW.finditer(response.text):
                    problems.append(f"{team} {url}: raw …{response.text[max(match.start() - 60, 0) : match.end()]}")
    assert not problems, "\n".join(problems)

    leader = team_client(JibTeam.TEAM_LEADER)
    licensing = leader.get(reverse("tasklist:queue", args=[JibTeam.LICENSING])).text
    assert casework.licence.reference in licensing and "Accounts Filed Ltd" in licensing
    finance = leader.get(reverse("tasklist:queue", args=[JibTeam.FINANCE])).text
    assert "NO REFERENCE AT ALL" in finance and "£99.99" in finance
    verification = leader.get(reverse("tasklist:queue", args=[JibTeam.VERIFICATION])).text
    assert casework.card.reference in verification and casework.card.organisation.name in verification
    found = leader.get(reverse("tasklist:queue", args=[JibTeam.VERIFICATION]), {"q": casework.card.reference})
    assert re.search(r"1 task match", found.text) and casework.card.reference in found.text
