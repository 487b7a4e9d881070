"""NET's AM2 results, checked like the other awarding bodies' certificates."""

from datetime import date

import pytest

from portal.applications import services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.integrations.awarding_bodies import certificate_check
from portal.registry.models import AwardingBody, QualificationType
from tests.factories_applications import start_application
from tests.factories_registry import EmploymentFactory, OperativeFactory


def test_an_am2_pass_is_confirmed_by_net(awarding_bodies):
    check = certificate_check(awarding_body="net", certificate_number="am2700123", last_name="Jones",
                              date_of_birth=date(1985, 6, 15))  # fmt: skip
    assert check is not None and check.valid
    assert (check.qualification_code, check.awarded_on, check.first_name) == ("AM2", date(2017, 11, 20), "Jeff")
    # Another date of birth: NET has no such candidate.
    assert certificate_check(awarding_body="net", certificate_number="AM2700123", last_name="Jones",
                             date_of_birth=date(1985, 6, 16)) is None  # fmt: skip
    # A failed assessment is not a valid achievement.
    failed = certificate_check(awarding_body="net", certificate_number="AM2700789", last_name="Davies",
                               date_of_birth=date(1983, 4, 11))  # fmt: skip
    assert failed is not None and not failed.valid


@pytest.mark.django_db
def test_an_am2_entered_by_hand_is_verified(primary_user, awarding_bodies, settings, tmp_path,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    settings.MEDIA_ROOT, settings.ECS_RUN_JOBS_INLINE = tmp_path, True
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", date_of_birth=date(1985, 6, 15))
    employment = EmploymentFactory(operative=operative, organisation=primary_user.organisation,
                                   office=primary_user.office)  # fmt: skip
    application = start_application(portal_user=primary_user, employment=employment)
    CardApplication.objects.filter(pk=application.pk).update(step=2)
    with django_capture_on_commit_callbacks(execute=True):
        document = services.application_document_enter_certificate(
            application=application, actor=primary_user.user, awarding_body=AwardingBody.objects.get(code="net"),
            certificate_number="AM2700123", qualification_type=QualificationType.objects.get(code="AM2"),
            awarded_on=date(2017, 11, 20),
        )  # fmt: skip
    document.refresh_from_db()
    assert document.status == ApplicationDocument.Status.VERIFIED, document.problems
    assert document.body_check["qualification_code"] == "AM2"
