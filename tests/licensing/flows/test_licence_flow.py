"""The licence process end to end: automated checks on Prefect, JIB verification over HTTP, office set-up, grant,
and the new Primary User signing in with two factors."""

import re
import shutil
import subprocess
import time
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts import services as account_services
from portal.accounts.models import SmsMessage, User
from portal.core.models import BackgroundJob
from portal.licensing.models import Licence, LicenceApplication
from portal.organisations.models import Office, Organisation
from tests.conftest import sign_in
from tests.factories import OfficeFactory
from tests.licence_helpers import VALID, membership_records
from workflows.common import services as job_services
from workflows.incidents.models import Incident
from workflows.licence.flows import LicenceFlow
from workflows.licence.selectors import licence_open_task


def make_pdf(text: str = "Accounts for the year") -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


MINIMAL_PDF = make_pdf()


def case_worker(client):
    staff = account_services.jib_staff_create(
        email="lena@jib.example", first_name="Lena", last_name="Lister", mobile="+447700123999",
        teams=["licensing"], password="correct horse battery",
    )  # fmt: skip
    return sign_in(client, staff)


def open_task(node):
    """The open task at `node` of the one application in the test."""
    return licence_open_task(application=LicenceApplication.objects.get(), step=node)


def work(client, node, data):
    """Assign the task to oneself and complete it, as a case worker does in the back office."""
    task = open_task(node)
    assert task is not None, f"no open task at {node.name}"
    base = f"/backoffice/workflow/flows/licence/{task.process_id}/{node.name}/{task.pk}"
    if task.owner_id is None:
        assert client.post(f"{base}/assign/").status_code == 302
    page = client.get(f"{base}/execute/")
    assert page.status_code == 200
    response = client.post(f"{base}/execute/", data)
    return task, page, response


def submit(client, **changes):
    response = client.post("/apply/", {**VALID, **changes})
    assert response.status_code == 302, re.findall(r"govuk-error-message[^>]*>.*?</span>(.*?)<", response.text)
    return LicenceApplication.objects.latest("pk")


@pytest.mark.prefect
def test_whole_flow_through_prefect_to_the_primary_user_signing_in(client, prefect_worker, companies_house):
    membership_records()
    application = submit(client)
    assert application.reference in mail.outbox[0].body
    # The automated checks run on the Prefect task worker.
    deadline = time.monotonic() + 60
    while not Task.objects.filter(flow_task=LicenceFlow.verify).exists():
        assert time.monotonic() < deadline, "the automated checks did not finish on Prefect"
        time.sleep(0.25)
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.VERIFYING
    assert application.findings["companies_house"]["ok"] and application.findings["jib_membership"]["ok"]

    case_worker(client)
    assert application.reference in client.get("/backoffice/workflow/queue/").text
    task, page, response = work(client, LicenceFlow.verify, {"decision": "approve", "text": ""})
    assert "NORTHERN SPARKS LIMITED, active" in page.text  # the automated findings on the case page
    assert response.status_code == 302
    task = open_task(LicenceFlow.set_up_offices)
    base = f"/backoffice/workflow/flows/licence/{task.process_id}/set_up_offices/{task.pk}"
    client.post(f"{base}/assign/")
    organisation = Organisation.objects.get(applications=application)
    head = organisation.head_office
    client.post(f"{base}/execute/", {"name": "Yorkshire Region", "kind": "region", "parent": head.pk})
    assert organisation.offices.filter(name="Yorkshire Region").exists()
    client.post(f"{base}/execute/", {"_grant": "1"})

    application.refresh_from_db()
    organisation.refresh_from_db()
    assert application.status == LicenceApplication.Status.GRANTED and organisation.is_active
    licence = Licence.objects.get(organisation=organisation)
    assert licence.employer_portal and licence.assessments and licence.assessment_types == ["fire", "security"]
    primary = User.objects.get(email=VALID["primary_email"])
    assert primary.portal_user.is_primary_user and primary.portal_user.can_add_users
    assert primary.mobile == "+447700123301"

    # The Primary User follows the invitation, sets a password, confirms the mobile and sees the portal.
    client.logout()
    invitation = next(m for m in mail.outbox if m.to == [primary.email])
    path = re.search(r"https?://[^/]+(/accounts/invitation/\S+/)", invitation.body).group(1)
    client.post(path, {"password1": "Sparks-password-2026", "password2": "Sparks-password-2026"})
    code = re.search(r"code is (\d{6})", SmsMessage.objects.filter(to=primary.mobile).first().body).group(1)
    client.post("/accounts/sign-in/code/", {"code": code})
    home = client.get("/portal/")
    assert home.status_code == 200 and "Northern Sparks Limited" in home.text


@pytest.fixture
def inline_jobs(settings, companies_house):
    settings.ECS_RUN_JOBS_INLINE = True


def submitted(client, django_capture_on_commit_callbacks, **changes):
    membership_records()
    with django_capture_on_commit_callbacks(execute=True):
        return submit(client, **changes)


@pytest.mark.django_db
def test_reject_path_tells_the_applicant(client, inline_jobs, django_capture_on_commit_callbacks):
    application = submitted(client, django_capture_on_commit_callbacks)
    case_worker(client)
    _, _, response = work(client, LicenceFlow.verify, {"decision": "reject", "text": ""})
    assert "Say why the application is rejected" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        work(client, LicenceFlow.verify, {"decision": "reject", "text": "Not an electrical contractor."})
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.REJECTED
    assert "Not an electrical contractor." in mail.outbox[-1].body
    process = Task.objects.filter(flow_task=LicenceFlow.rejected).get().process
    assert process.status == STATUS.DONE
    assert not Organisation.objects.filter(name=application.organisation_name).exists()


@pytest.mark.django_db
def test_more_information_loop(client, inline_jobs, django_capture_on_commit_callbacks):
    application = submitted(client, django_capture_on_commit_callbacks)
    case_worker(client)
    with django_capture_on_commit_callbacks(execute=True):
        work(client, LicenceFlow.verify, {"decision": "information", "text": "Send your last VAT return."})
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.INFORMATION_REQUESTED
    link = re.search(r"https?://[^/]+(/apply/information/\S+/)", mail.outbox[-1].body).group(1)
    client.logout()
    wrong = client.post(link, {"response": "Attached.", "upload": SimpleUploadedFile("vat.pdf", b"GIF89a not a pdf")})
    assert "must be a PDF" in wrong.text
    response = client.post(
        link, {"response": "Attached.", "upload": SimpleUploadedFile("vat.pdf", MINIMAL_PDF, "application/pdf")}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.VERIFYING
    assert Task.objects.filter(flow_task=LicenceFlow.verify).count() == 2
    assert open_task(LicenceFlow.verify)
    # Answering twice is refused.
    assert "not waiting for information" in client.post(link, {"response": "Again"}).text


@pytest.mark.django_db
def test_companies_house_down_hands_the_case_to_a_person(
    client, settings, companies_house_down, django_capture_on_commit_callbacks
):
    settings.ECS_RUN_JOBS_INLINE = True
    application = submitted(client, django_capture_on_commit_callbacks)
    failed = Task.objects.get(flow_task=LicenceFlow.checks)
    assert failed.status == STATUS.ERROR  # an incident: a person sends the case to manual checking
    case_worker(client)
    incident = Incident.objects.get(task=failed)
    assert client.post(f"/backoffice/incidents/{incident.pk}/manual/").status_code == 302
    _, _, response = work(client, LicenceFlow.check_manually, {"notes": "  "})
    assert response.context["form"].errors == {"notes": ["Say what you checked and what you found."]}
    _, page, response = work(client, LicenceFlow.check_manually, {"notes": "Checked the register by phone."})
    assert "Companies House is unavailable" in page.text
    assert response.status_code == 302
    assert open_task(LicenceFlow.verify)
    application.refresh_from_db()
    assert "Checked the register by phone." in application.findings["manual"]["summary"]
    assert application.status == LicenceApplication.Status.VERIFYING
    work(client, LicenceFlow.verify, {"decision": "approve"})
    assert open_task(LicenceFlow.set_up_offices)


@pytest.mark.prefect
def test_on_prefect_a_step_that_fails_every_retry_goes_to_a_person(client, prefect_worker, companies_house_down):
    """The real failure path: Prefect retries, then its failure hook marks the step failed and opens an incident
    for the licensing team."""
    membership_records()
    submit(client)
    deadline = time.monotonic() + 60
    while not Incident.objects.filter(resolved_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the failed step did not open an incident"
        time.sleep(0.25)
    failed = Task.objects.get(flow_task=LicenceFlow.checks)
    assert failed.status == STATUS.ERROR
    assert Incident.objects.get(task=failed).tries > 1  # Prefect's retries are counted
    assert "Companies House" in job_services.job_failure_reason(task=failed)


@pytest.mark.django_db
def test_a_repeated_or_late_report_changes_nothing(client, inline_jobs, django_capture_on_commit_callbacks):
    submitted(client, django_capture_on_commit_callbacks)
    job = Task.objects.get(flow_task=LicenceFlow.checks, status=STATUS.DONE)
    ref = LicenceFlow.checks.activation_class(job).ref()
    tasks_before = Task.objects.count()
    assert job_services.job_complete(ref=ref, result={"late": True}) is False
    assert job_services.job_fail(ref=ref, reason="late failure") is False
    assert job_services.job_run(ref=ref) is False
    job.refresh_from_db()
    assert job.status == STATUS.DONE and "late" not in job.data.get("result", {})
    assert Task.objects.count() == tasks_before


@pytest.mark.django_db
def test_the_sweep_hands_over_stalled_jobs(client, settings, companies_house, django_capture_on_commit_callbacks):
    settings.ECS_RUN_JOBS_INLINE = False
    membership_records()
    submit(client)
    job = Task.objects.get(flow_task=LicenceFlow.checks)
    assert job.status == STATUS.SCHEDULED
    Task.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(minutes=11))
    assert job_services.jobs_stalled(older_than=timedelta(minutes=10)) == []  # still in the outbox: not stalled
    BackgroundJob.objects.update(handed_at=timezone.now())  # handed over, and the worker died with it
    settings.ECS_RUN_JOBS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        assert job_services.jobs_resubmit_stalled(older_than=timedelta(minutes=10)) == 1
    assert open_task(LicenceFlow.verify)


@pytest.mark.django_db
def test_non_member_needs_company_number_and_a_real_pdf(client):
    changes = {"jib_membership_number": "", "companies_house_number": ""}
    page = client.post("/apply/", {**VALID, **changes})
    assert "Non-members must give the Companies House number" in page.text
    assert "Non-members must upload" in page.text
    fake = SimpleUploadedFile("accounts.pdf", b"\x89PNG\r\n not a pdf", "application/pdf")
    page = client.post("/apply/", {**VALID, **changes, "companies_house_number": "AB12", "accounts": fake})
    assert "The accounts file must be a PDF" in page.text and "8 characters" in page.text
    big = SimpleUploadedFile("accounts.pdf", MINIMAL_PDF + b" " * (10 * 1024 * 1024), "application/pdf")
    page = client.post("/apply/", {**VALID, **changes, "companies_house_number": "02345678", "accounts": big})
    assert "10.0\xa0MB or smaller" in page.text or "10.0 MB or smaller" in page.text


@pytest.mark.django_db
def test_form_validation_messages(client):
    page = client.post(
        "/apply/",
        {**VALID, "postcode": "XX1", "primary_mobile": "0113 496 0000", "telephone": "12", "terms_accepted": ""},
    )
    assert "Enter a real UK postcode" in page.text
    assert "Enter a mobile phone number that can receive text messages" in page.text
    assert "Enter a real telephone number" in page.text
    assert "You must accept the terms and conditions" in page.text
    assert not LicenceApplication.objects.exists()


@pytest.mark.django_db
def test_status_page_by_signed_link_only(client, inline_jobs, django_capture_on_commit_callbacks):
    application = submitted(client, django_capture_on_commit_callbacks)
    link = re.search(r"https?://[^/]+(/apply/status/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Being verified by the JIB" in page.text
    assert client.get(f"/apply/status/{application.pk}/").status_code == 404


@pytest.mark.django_db
def test_accounts_are_for_jib_staff_only(client, primary_user, inline_jobs, django_capture_on_commit_callbacks):
    changes = {"jib_membership_number": "", "companies_house_number": "02345678"}
    accounts = SimpleUploadedFile("accounts.pdf", MINIMAL_PDF, "application/pdf")
    application = submitted(client, django_capture_on_commit_callbacks, accounts=accounts, **changes)
    url = f"/apply/documents/{application.pk}/accounts/"
    assert client.get(url).status_code == 302  # not signed in
    sign_in(client, primary_user.user)
    assert client.get(url).status_code == 403
    client.logout()
    case_worker(client)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_employer_users_cannot_work_licence_cases(
    client, primary_user, inline_jobs, django_capture_on_commit_callbacks
):
    submitted(client, django_capture_on_commit_callbacks)
    task = open_task(LicenceFlow.verify)
    sign_in(client, primary_user.user)
    base = f"/backoffice/workflow/flows/licence/{task.process_id}/verify/{task.pk}"
    assert client.post(f"{base}/assign/").status_code == 403
    assert client.get("/backoffice/workflow/queue/").status_code == 403


def test_bpmn_export_is_valid_bpmn(capsys):
    call_command("flowexport", "workflow_licence/flows.LicenceFlow", "--format", "bpmn")
    root = ElementTree.fromstring(capsys.readouterr().out.strip())
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    assert root.tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
    process = root.find("bpmn:process", ns)
    assert process is not None
    ids = {el.get("id") for el in process}
    assert {"id_node_start", "id_node_checks", "id_node_verify", "id_node_granted"} <= ids
    flows = process.findall("bpmn:sequenceFlow", ns)
    assert flows and all(f.get("sourceRef") in ids and f.get("targetRef") in ids for f in flows)
    assert process.find("bpmn:serviceTask", ns) is not None
    # Every flow out of the verification's outcome gateway is conditional or its default (bpmnlint: conditional-flows).
    route = process.find("bpmn:exclusiveGateway[@id='id_node_route']", ns)
    leaving = [f for f in flows if f.get("sourceRef") == "id_node_route"]
    conditions = {
        f.get("targetRef"): f.find("bpmn:conditionExpression", ns).text
        for f in leaving
        if f.get("id") != route.get("default")
    }
    assert conditions == {
        "id_node_set_up_offices": "approved",
        "id_node_await_information": "more information requested",
    }
    assert route.get("default") == "id_edge_route__rejected"


@pytest.mark.django_db
def test_approved_case_is_granted_in_the_name_of_whoever_agreed_the_offices(
    client, inline_jobs, django_capture_on_commit_callbacks
):
    application = submitted(client, django_capture_on_commit_callbacks)
    case_worker(client)
    staff = User.objects.get(email="lena@jib.example")
    work(client, LicenceFlow.verify, {"decision": "approve", "text": ""})
    task = open_task(LicenceFlow.set_up_offices)
    base = f"/backoffice/workflow/flows/licence/{task.process_id}/set_up_offices/{task.pk}"
    client.post(f"{base}/assign/")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}/execute/", {"_grant": "1"}).status_code == 302
    application.refresh_from_db()
    licence = Licence.objects.get(application=application)
    assert application.status == LicenceApplication.Status.GRANTED
    assert application.set_up_by == staff and licence.granted_by == staff
    assert Task.objects.filter(flow_task=LicenceFlow.granted).get().process.status == STATUS.DONE


@pytest.mark.django_db
def test_a_reason_is_required_by_the_service_and_shown_beside_the_field(
    client, inline_jobs, django_capture_on_commit_callbacks
):
    from portal.licensing import services

    application = submitted(client, django_capture_on_commit_callbacks)
    for decision, message in (
        (LicenceApplication.Decision.REJECT, "Say why the application is rejected."),
        (LicenceApplication.Decision.INFORMATION, "Say what information the applicant must send."),
    ):
        with pytest.raises(services.LicensingError, match=message) as refused:
            services.licence_application_decide(application=application, actor=None, decision=decision, text="  ")
        assert refused.value.field == "text"
    case_worker(client)
    _, _, response = work(client, LicenceFlow.verify, {"decision": "information", "text": ""})
    errors = response.context["form"].errors
    assert errors == {"text": ["Say what information the applicant must send."]}
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.VERIFYING


@pytest.mark.django_db
def test_an_answer_with_no_process_waiting_is_undone(client, inline_jobs, django_capture_on_commit_callbacks):
    """The domain announces the answer inside its transaction: if the process cannot move, nothing is recorded."""
    from portal.licensing import services

    application = submitted(client, django_capture_on_commit_callbacks)
    LicenceApplication.objects.filter(pk=application.pk).update(status=LicenceApplication.Status.INFORMATION_REQUESTED)
    application.refresh_from_db()
    with pytest.raises(LookupError):
        services.licence_application_respond(application=application, response="Here it is.")
    application.refresh_from_db()
    assert application.status == LicenceApplication.Status.INFORMATION_REQUESTED
    assert application.information_response == ""


@pytest.mark.skipif(shutil.which("bpmnlint") is None, reason="bpmnlint (npm i -g bpmnlint) is not installed")
@pytest.mark.parametrize(
    "flow", ["workflow_licence/flows.LicenceFlow", "workflow_bacs_allocation/flows.BacsAllocationFlow"]
)
def test_bpmn_export_passes_bpmnlint_recommended(flow, tmp_path, capsys):
    call_command("flowexport", flow, "--format", "bpmn")
    (tmp_path / ".bpmnlintrc").write_text('{"extends": "bpmnlint:recommended"}')
    (tmp_path / "flow.bpmn").write_text(capsys.readouterr().out.strip())
    linted = subprocess.run(["bpmnlint", "flow.bpmn"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert linted.returncode == 0 and " error " not in linted.stdout, linted.stdout


@pytest.mark.django_db
def test_the_office_set_up_renames_and_removes_offices(client, inline_jobs, django_capture_on_commit_callbacks):
    application = submitted(client, django_capture_on_commit_callbacks)
    case_worker(client)
    work(client, LicenceFlow.verify, {"decision": "approve", "text": ""})
    task = open_task(LicenceFlow.set_up_offices)
    base = f"/backoffice/workflow/flows/licence/{task.process_id}/set_up_offices/{task.pk}"
    client.post(f"{base}/assign/")
    organisation = Organisation.objects.get(applications=application)
    head = organisation.head_office
    client.post(f"{base}/execute/", {"name": "Yorkshire Region", "kind": "region", "parent": head.pk})
    client.post(f"{base}/execute/", {"name": "Leeds", "kind": "office", "parent": head.pk})
    region = organisation.offices.get(name="Yorkshire Region")
    leeds = organisation.offices.get(name="Leeds")

    # A sibling's name is refused and the office keeps its own; another name is taken.
    client.post(f"{base}/execute/", {"office": leeds.pk, "name": "yorkshire region", "_rename": "1"})
    leeds.refresh_from_db()
    assert leeds.name == "Leeds"
    client.post(f"{base}/execute/", {"office": leeds.pk, "name": "Leeds Office", "_rename": "1"})
    leeds.refresh_from_db()
    assert leeds.name == "Leeds Office"

    # A region with an office below it stays; an empty office goes; the head office is never removed.
    client.post(f"{base}/execute/", {"name": "Sheffield", "kind": "office", "parent": region.pk})
    client.post(f"{base}/execute/", {"office": region.pk, "_remove": "1"})
    assert organisation.offices.filter(pk=region.pk).exists()
    client.post(f"{base}/execute/", {"office": leeds.pk, "_remove": "1"})
    assert not organisation.offices.filter(pk=leeds.pk).exists()
    client.post(f"{base}/execute/", {"office": head.pk, "_remove": "1"})
    assert organisation.offices.filter(pk=head.pk).exists()

    # Another organisation's office is not found through this case.
    other = OfficeFactory()
    assert client.post(f"{base}/execute/", {"office": other.pk, "_remove": "1"}).status_code == 404
    assert Office.objects.filter(pk=other.pk).exists()
