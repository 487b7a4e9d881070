"""The back office's design and its task pages: one shell on every page, task pages that fit the work."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from portal.accounts.models import JibTeam
from tests.backoffice.pages.test_backoffice_access import staff_member


@pytest.mark.django_db
def test_the_shell_names_the_person_their_teams_and_the_sections():
    user = staff_member(JibTeam.VERIFICATION, JibTeam.TEAM_LEADER)
    request = RequestFactory().get("/backoffice/workflow/inbox/")
    request.user = user
    html = render_to_string("backoffice/base.html", {"user": user}, request=request)
    assert "ECS back office" in html
    assert user.get_full_name() in html and "Verification and Team leader" in html
    assert "Sign out" in html
    assert ">My work<" in html and ">Team queues<" in html and ">Processes<" in html
    assert 'aria-current="page">My work' in html
    assert "mdc-" not in html and "<script>" not in html
