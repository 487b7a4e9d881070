"""The licence's parts, enforced: the Employer Portal pages need a licence including it; the JIB licensing team
changes a licence's parts and assessment types (recorded), and the portal follows at once."""

import pytest
from django.test import Client
from django.utils.html import escape

from portal.accounts import services as account_services
from portal.accounts.models import JibTeam
from portal.licensing import services as licensing_services
from portal.licensing.models import Licence, LicenceEvent
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_registry import EmploymentFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


_made = [0]


def staff(*teams):
    _made[0] += 1
    n = _made[0]
    return account_services.jib_staff_create(
        email=f"licence{n}@jib.example", first_name="Lena", last_name=f"Lister{n}",
        mobile=f"+4477009{n + 500:05d}", teams=list(teams), password=PASSWORD,
    )  # fmt: skip


# --- The Employer Portal part -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/portal/employees/", "/portal/employees/add/", "/portal/applications/", "/portal/applications/produced/"]
)
def test_employer_portal_pages_need_the_part(path):
    without = PortalUserFactory(organisation=OrganisationFactory(licence__employer_portal=False), all_flags=True)
    response = sign_in(Client(), without.user).get(path)
    assert response.status_code == 403 and "does not include ECS Employer Portal" in response.text
    with_part = PortalUserFactory(all_flags=True)
    assert sign_in(Client(), with_part.user).get(path).status_code == 200


def test_an_employees_record_needs_the_part_before_anything_is_shown():
    organisation = OrganisationFactory(licence__employer_portal=False)
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    employment = EmploymentFactory(organisation=organisation)
    response = sign_in(Client(), user.user).get(f"/portal/employees/{employment.pk}/")
    assert response.status_code == 403 and escape(employment.operative.last_name) not in response.text


def test_the_menu_leaves_out_employer_portal_sections_without_the_part():
    user = PortalUserFactory(organisation=OrganisationFactory(licence__employer_portal=False), all_flags=True)
    page = sign_in(Client(), user.user).get("/portal/").text
    assert 'href="/portal/employees/"' not in page and 'href="/portal/applications/"' not in page
    assert 'href="/portal/assessments/"' in page


# --- The JIB licensing team changes a licence ---------------------------------------------------------------------


def test_licensing_team_adds_an_assessment_type_recorded_and_followed_by_the_portal():
    organisation = OrganisationFactory(licence__assessment_types=["fire"])
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    portal = sign_in(Client(), user.user)
    assert "Security assessment" not in portal.get("/portal/assessments/").text
    licence = Licence.objects.get(organisation=organisation)
    jib = sign_in(Client(), staff(JibTeam.LICENSING))
    assert organisation.name in jib.get("/backoffice/licences/").text
    response = jib.post(f"/backoffice/licences/{licence.pk}/", {
        "employer_portal": "on", "ecs_check": "on", "assessments": "on",
        "assessment_types": ["fire", "security"], "reason": "Asked for by the company in writing",
    })  # fmt: skip
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.assessment_types == ["security", "fire"]
    event = LicenceEvent.objects.get(licence=licence)
    assert event.what == "Security assessment added. Reason: Asked for by the company in writing."
    assert event.actor.email.endswith("@jib.example")
    assert "Security assessment" in portal.get("/portal/assessments/").text
    assert event.what in jib.get(f"/backoffice/licences/{licence.pk}/").text


def test_removing_the_assessments_part_closes_the_section():
    organisation = OrganisationFactory()
    user = PortalUserFactory(organisation=organisation, all_flags=True)
    licence = Licence.objects.get(organisation=organisation)
    licensing_services.licence_parts_change(
        licence=licence, employer_portal=True, ecs_check=True, assessments=False, assessment_types=["fire"],
        reason="Licence scope reduced", actor=staff(JibTeam.LICENSING),
    )  # fmt: skip
    licence.refresh_from_db()
    assert licence.assessment_types == []
    assert "ECS Assessments - Remote Invigilation removed" in LicenceEvent.objects.get().what
    assert sign_in(Client(), user.user).get("/portal/assessments/").status_code == 403


def test_a_change_needs_a_reason_a_part_and_a_difference():
    licence = Licence.objects.get(organisation=OrganisationFactory())
    actor = staff(JibTeam.LICENSING)
    same = {"employer_portal": True, "ecs_check": True, "assessments": True,
            "assessment_types": list(licence.assessment_types)}  # fmt: skip
    with pytest.raises(licensing_services.LicensingError) as caught:
        licensing_services.licence_parts_change(licence=licence, reason="", actor=actor, **same)
    assert caught.value.field == "reason"
    with pytest.raises(licensing_services.LicensingError, match="at least one part"):
        licensing_services.licence_parts_change(
            licence=licence, employer_portal=False, ecs_check=False, assessments=False, assessment_types=[],
            reason="x", actor=actor,
        )  # fmt: skip
    with pytest.raises(licensing_services.LicensingError, match="Nothing was changed"):
        licensing_services.licence_parts_change(licence=licence, reason="x", actor=actor, **same)
    assert not LicenceEvent.objects.exists()


def test_only_the_licensing_team_may_change_a_licence():
    licence = Licence.objects.get(organisation=OrganisationFactory())
    finance = sign_in(Client(), staff(JibTeam.FINANCE))
    assert finance.get("/backoffice/licences/").status_code == 403
    change = {"employer_portal": "on", "reason": "x"}
    assert finance.post(f"/backoffice/licences/{licence.pk}/", change).status_code == 403
    portal_user = PortalUserFactory(all_flags=True)
    assert sign_in(Client(), portal_user.user).get("/backoffice/licences/").status_code == 403
    licence.refresh_from_db()
    assert licence.ecs_check and not LicenceEvent.objects.exists()


def test_the_form_says_what_is_missing_and_keeps_the_ticks():
    licence = Licence.objects.get(organisation=OrganisationFactory())
    jib = sign_in(Client(), staff(JibTeam.LICENSING))
    response = jib.post(f"/backoffice/licences/{licence.pk}/", {"assessments": "on", "assessment_types": ["fire"]})
    assert response.status_code == 200 and "Enter why the licence is changed" in response.text
    assert 'value="fire" id="id_assessment_types_2" checked' in response.text or 'value="fire"' in response.text
