"""Step 3 when no occupation is available (why, and what would make one), and certificate details shown as the
employer entered them."""

from datetime import date

import pytest

from portal.applications import services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.registry.models import AwardingBody, QualificationType
from tests.conftest import sign_in
from tests.factories_applications import start_application
from tests.factories_registry import EmploymentFactory, HseResultFactory, OperativeFactory

Doc = ApplicationDocument


def with_verified(application, codes):
    for code in codes:
        Doc.objects.create(application=application, entry=Doc.Entry.MANUAL, status=Doc.Status.VERIFIED,
                           qualification_type=QualificationType.objects.get(code=code),
                           uploaded_by=application.created_by)  # fmt: skip
    application.hse_route = CardApplication.HseRoute.VALID_RESULT
    application.hse_result = HseResultFactory(operative=application.operative)
    application.step = 3
    application.save()


@pytest.mark.django_db
def test_step3_says_why_no_occupation_is_available_and_what_would_make_one(client, primary_user):
    application = start_application(portal_user=primary_user)
    # C&G 5357, EAL's Level 3 NVQ and the AM2, without a BS 7671:2018 (Wiring Regulations) qualification.
    with_verified(application, ["5357", "501/1605/8", "AM2"])
    sign_in(client, primary_user.user)
    page = client.get(f"/portal/applications/{application.pk}/occupations/").text
    assert 'id="no-occupation"' in page and "No occupation of the" in page
    assert "<strong>Installation Electrician</strong> also needs:" in page
    assert "City &amp; Guilds 2382-22 18th Edition Requirements for Electrical Installations BS 7671" in page
    assert "FINALISE &amp; REVIEW" not in page  # nothing to choose: no button that can only fail
    assert f"/portal/applications/{application.pk}/documents/" in page

    with_verified(application, ["2382-22"])
    page = client.get(f"/portal/applications/{application.pk}/occupations/").text
    assert 'id="no-occupation"' not in page and "FINALISE &amp; REVIEW" in page


@pytest.fixture
def inline(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ECS_RUN_JOBS_INLINE = True


@pytest.mark.django_db
def test_the_date_entered_is_shown_as_entered_beside_the_bodys(
    client, primary_user, inline, awarding_bodies, django_capture_on_commit_callbacks
):
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", date_of_birth=date(1985, 6, 15))
    employment = EmploymentFactory(operative=operative, organisation=primary_user.organisation,
                                   office=primary_user.office)  # fmt: skip
    application = start_application(portal_user=primary_user, employment=employment)
    CardApplication.objects.filter(pk=application.pk).update(step=2, business_phone="0161 496 0000")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.application_document_enter_certificate(
            application=application, actor=primary_user.user, awarding_body=AwardingBody.objects.get(code="eal"),
            certificate_number="EAL700555", qualification_type=QualificationType.objects.get(code="603/3417/5"),
            awarded_on=date(2020, 3, 13),
        )  # fmt: skip
    document.refresh_from_db()
    assert document.status == Doc.Status.NOT_MATCHED
    assert document.awarded_on == date(2020, 3, 13)
    sign_in(client, primary_user.user)
    page = client.get(f"/portal/applications/{application.pk}/documents/").text
    assert "awarded 13/03/2020" in page  # what was typed
    assert "awarded 12/03/2020" in page  # what EAL says
    assert "12 March 2020, not 13 March 2020" in page
