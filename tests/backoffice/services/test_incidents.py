"""Incidents: an automated step that fails after its retries waits for a person, who runs it again or sends the
case to manual checking; each action is recorded; the employer's page says what is happening."""

import pytest
from viewflow.workflow.status import STATUS

from portal.applications.models import CardApplication
from tests.applications.flows.test_card_application_processing import jib_client, open_tasks
from tests.backoffice.incident_helpers import failed_pre_checks
from workflows.card_application.flows import CardApplicationFlow as Flow
from workflows.common import services as job_services
from workflows.incidents import selectors, services
from workflows.incidents.models import Incident

Status = CardApplication.Status


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, awarding_bodies):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ECS_RUN_JOBS_INLINE = True


def staff(*teams):
    client = jib_client(*teams)
    from portal.accounts.models import User

    return User.objects.get(pk=client.session["_auth_user_id"]), client


@pytest.mark.django_db
def test_a_failed_step_opens_an_incident_and_the_case_waits(primary_user, settings, django_capture_on_commit_callbacks):
    application, incident, _ = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    assert incident.is_open and incident.tries == 1
    assert "could not be reached" in incident.error or "unavailable" in incident.error
    assert incident.step == "Automated pre-checks" and application.reference in incident.case
    assert incident.task.status == STATUS.ERROR
    # Nobody has the case yet: it waits for a decision on the incident.
    assert open_tasks(application) == {Flow.pre_checks._boundary_events[0]}  # only the armed error boundary
    assert application.status == Status.VERIFYING
    assert application.pre_checks["progress"] == "delayed"
    assert list(incident.events.values_list("what", flat=True))[0].startswith("Failed after 1 try")
    assert selectors.incidents_open_count() == {incident.flow_class: 1}


@pytest.mark.django_db
def test_retry_reruns_the_step_and_succeeds_when_the_awarding_body_is_back(
    primary_user, settings, django_capture_on_commit_callbacks
):
    application, incident, good_url = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    leader, _ = staff("team_leader")
    settings.AWARDING_BODIES_URL = good_url  # the awarding body answers again
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_retry(incident=incident, actor=leader)
    incident.refresh_from_db()
    application.refresh_from_db()
    assert incident.resolution == Incident.Resolution.RETRIED and incident.resolved_by == leader
    assert application.status == Status.VERIFIED  # every pre-check passed on the second run
    assert "progress" not in application.pre_checks
    job = incident.task
    job.refresh_from_db()
    assert job.status == STATUS.DONE and job_services.job_failure_reason(task=job) == ""
    assert open_tasks(application) == {Flow.approve}
    assert [e.what for e in incident.events.all()][-1] == "Run again."
    assert selectors.incidents_open_count() == {}


@pytest.mark.django_db
def test_a_retry_that_fails_again_opens_a_new_incident_counting_every_try(
    primary_user, settings, django_capture_on_commit_callbacks
):
    application, incident, _ = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    leader, _ = staff("verification")
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_retry(incident=incident, actor=leader)
    again = Incident.objects.exclude(pk=incident.pk).get()
    assert again.is_open and again.task_id == incident.task_id and again.tries == 2
    with pytest.raises(services.IncidentError, match="already resolved"):
        services.incident_retry(incident=incident, actor=leader)


@pytest.mark.django_db
def test_send_to_manual_gives_the_case_to_the_verifier(primary_user, settings, django_capture_on_commit_callbacks):
    application, incident, _ = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    verifier, client = staff("verification")
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_send_to_manual(incident=incident, actor=verifier)
    incident.refresh_from_db()
    application.refresh_from_db()
    assert incident.resolution == Incident.Resolution.SENT_TO_MANUAL
    assert open_tasks(application) == {Flow.verify}
    assert incident.task.status == STATUS.CANCELED
    assert application.pre_checks["progress"] == "by_hand"
    assert "We are checking this by hand" in application.events.last().what
    # The verifier reads why, and no "None recorded yet".
    task = Flow.task_class.objects.get(process=incident.process_id, flow_task=Flow.verify)
    client.post(f"/backoffice/workflow/flows/cardapplication/{task.process_id}/verify/{task.pk}/assign/")
    page = client.get(f"/backoffice/workflow/flows/cardapplication/{task.process_id}/verify/{task.pk}/execute/")
    assert page.status_code == 200
    assert "could not finish" in page.text and "None recorded yet" not in page.text
    assert "stopped before they could check anything" in page.text
    with pytest.raises(services.IncidentError):
        services.incident_retry(incident=incident, actor=verifier)


@pytest.mark.django_db
def test_an_incident_of_a_withdrawn_case_closes_itself(primary_user, settings, django_capture_on_commit_callbacks):
    application, incident, _ = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    leader, _ = staff("team_leader")
    Flow.task_class.objects.filter(pk=incident.task_id).update(status=STATUS.CANCELED)
    with pytest.raises(services.IncidentError, match="moved on"):
        services.incident_send_to_manual(incident=incident, actor=leader)
    incident.refresh_from_db()
    assert incident.resolution == Incident.Resolution.CASE_MOVED_ON


@pytest.mark.django_db
def test_what_the_domain_cannot_record_does_not_stop_the_action(settings, caplog):
    """The card process tells the application what is happening; a case without one still has its step run again."""
    from tests.backoffice.incident_factories import make_incident

    settings.ECS_RUN_JOBS_INLINE = False
    incident = make_incident(Flow.pre_checks)  # a bare process: no application to tell
    leader, _ = staff("team_leader")
    services.incident_retry(incident=incident, actor=leader)
    incident.refresh_from_db()
    assert incident.resolution == Incident.Resolution.RETRIED
    assert incident.task.status == STATUS.SCHEDULED
    assert "automated_step_retried failed" in caplog.text


@pytest.mark.django_db
def test_the_incidents_of_a_cancelled_case_are_closed_when_it_is_cancelled(
    primary_user, settings, django_capture_on_commit_callbacks
):
    from viewflow.workflow.status import PROCESS

    from tests.backoffice.incident_factories import make_incident

    application, incident, _ = failed_pre_checks(primary_user, settings, django_capture_on_commit_callbacks)
    other = make_incident(Flow.pre_checks)  # another case's incident stays open
    process = Flow.process_class.objects.get(pk=incident.process_id)
    Flow.instance.cancel(process)
    process.refresh_from_db()
    incident.refresh_from_db()
    other.refresh_from_db()
    assert process.status == PROCESS.CANCELED
    assert incident.resolution == Incident.Resolution.CASE_MOVED_ON and incident.resolved_at and not other.resolved_at
    assert [e.what for e in incident.events.all()][-1] == "Closed: the case was cancelled."
    assert selectors.incidents_open_count() == {other.flow_class: 1}
