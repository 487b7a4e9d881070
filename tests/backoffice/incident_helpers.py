"""A card application whose automated pre-checks fail because the awarding body is down (an incident)."""

import socket
from datetime import date

from portal.applications.models import ApplicationDocument
from portal.registry.models import AwardingBody
from tests.applications.flows.test_card_application_processing import pay, prepare_application
from tests.factories_registry import EmploymentFactory, OperativeFactory
from workflows.incidents.models import Incident


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def failed_pre_checks(primary_user, settings, capture):
    """Paid with the awarding body out of reach: the pre-checks fail (inline: no retries) and open an incident.
    Once the body answers, its certificate CG700037 lets every pre-check pass."""
    good_url = settings.AWARDING_BODIES_URL
    settings.AWARDING_BODIES_URL = dead_url()
    settings.EXTERNAL_TIMEOUT_SECONDS = 1
    operative = OperativeFactory(first_name="Jeff", last_name="Jones", date_of_birth=date(1985, 6, 15))
    employment = EmploymentFactory(
        operative=operative, organisation=primary_user.organisation, office=primary_user.office
    )
    application = prepare_application(primary_user, employment=employment, codes=("AM2", "2382-22"))
    ApplicationDocument.objects.create(
        application=application,
        kind=ApplicationDocument.Kind.CERTIFICATE,
        entry=ApplicationDocument.Entry.MANUAL,
        status=ApplicationDocument.Status.MANUAL_CHECK,
        awarding_body=AwardingBody.objects.get(code="city-and-guilds"),
        certificate_number="CG700037",
        uploaded_by=primary_user.user,
    )
    application = pay(application, primary_user, capture)
    incident = Incident.objects.get(process__artifact_object_id=application.pk)
    return application, incident, good_url
