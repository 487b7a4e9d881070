"""Licence applications: submit, automated checks, the JIB's decision, more information, set-up and grant."""

import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.integrations import companies_house
from portal.licensing.models import CaseEvent, Licence, LicenceApplication, MembershipRecord
from portal.organisations import services as org_services
from portal.organisations.models import Organisation
from portal.organisations.permissions import ALL_FLAGS

STATUS_SALT = "licensing.status"
RESPONSE_SALT = "licensing.information"
Status = LicenceApplication.Status


class LicensingError(Exception):
    """A rule refused the change; the message is for the user."""


def _event(application, *, what: str, actor: User | None = None, to_status: str | None = None) -> None:
    before = application.status
    if to_status is not None and to_status != before:
        application.status = to_status
        application.save(update_fields=["status", "updated_at"])
    CaseEvent.objects.create(
        application=application, actor=actor, from_status=before, to_status=application.status, what=what
    )


def _new_reference() -> str:
    year = timezone.now().year
    while True:
        reference = f"LA{year}-{secrets.randbelow(900000) + 100000}"
        if not LicenceApplication.objects.filter(reference=reference).exists():
            return reference


def status_url(*, application: LicenceApplication) -> str:
    token = signing.dumps(application.pk, salt=STATUS_SALT)
    return settings.SITE_URL + reverse("licensing:status", args=[token])


def application_from_status_token(*, token: str) -> LicenceApplication | None:
    try:
        pk = signing.loads(token, salt=STATUS_SALT, max_age=settings.LICENCE_STATUS_LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    return LicenceApplication.objects.filter(pk=pk).first()


def response_url(*, application: LicenceApplication) -> str:
    token = signing.dumps(application.pk, salt=RESPONSE_SALT)
    return settings.SITE_URL + reverse("licensing:respond", args=[token])


def application_from_response_token(*, token: str) -> LicenceApplication | None:
    try:
        pk = signing.loads(token, salt=RESPONSE_SALT, max_age=60 * 24 * 3600)
    except signing.BadSignature:
        return None
    return LicenceApplication.objects.filter(pk=pk).first()


def _tell_applicant(application: LicenceApplication, *, subject: str, body: str) -> None:
    message = (
        f"{body}\n\nYour reference: {application.reference}\n"
        f"See where your application stands: {status_url(application=application)}\n\nThe JIB licensing team"
    )
    transaction.on_commit(
        lambda: send_mail(subject=f"{subject} ({application.reference})", message=message, from_email=None,
                          recipient_list=[application.contact_email])
    )  # fmt: skip


def licence_application_submit(*, data: dict, accounts=None) -> LicenceApplication:
    """Record the application and start its process. `data` holds the form's cleaned fields."""
    from workflows.licence.flows import LicenceFlow

    with transaction.atomic():
        application = LicenceApplication.objects.create(reference=_new_reference(), accounts=accounts or "", **data)
        CaseEvent.objects.create(application=application, to_status=application.status, what="Application received.")
        LicenceFlow.start.run(artifact=application)
        _tell_applicant(
            application,
            subject="We have received your ECS Online Systems licence application",
            body=f"Thank you for applying for a licence for {application.organisation_name}. "
            "We will check the application and contact you.",
        )
    return application


def _normalise_name(name: str) -> str:
    name = re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("&", " and "))
    name = re.sub(r"\b(limited|ltd|plc|llp|the|co|company|uk)\b", " ", name)
    return " ".join(name.split())


def licence_application_run_checks(*, process, task) -> dict:
    """The automated checks: Companies House, membership records, duplicates. Raises ExternalServiceUnavailable
    when Companies House cannot be reached (the job is retried, then handed to a person)."""
    application = process.application
    findings: dict[str, dict] = {}
    number = application.companies_house_number
    if number and number != "N/A":
        profile = companies_house.company_profile(number=number)
        if profile is None:
            findings["companies_house"] = {"ok": False, "summary": f"No company {number} at Companies House."}
        else:
            name_ok = _normalise_name(profile.name) == _normalise_name(application.organisation_name)
            ok = name_ok and profile.is_active
            summary = f"{profile.name}, {profile.status}, incorporated {profile.created_on or 'unknown'}."
            if not name_ok:
                summary += f" The name differs from the application's “{application.organisation_name}”."
            if not profile.is_active:
                summary += " The company is not active."
            findings["companies_house"] = {"ok": ok, "summary": summary}
    elif not application.is_member:
        findings["companies_house"] = {
            "ok": False,
            "summary": "Not a member and not incorporated (N/A): check the accounts.",
        }
    for scheme, value in (("jib", application.jib_membership_number), ("eca", application.eca_membership_number)):
        if not value:
            continue
        record = MembershipRecord.objects.filter(scheme=scheme, number__iexact=value.strip()).first()
        label = scheme.upper()
        if record is None:
            findings[f"{scheme}_membership"] = {"ok": False, "summary": f"{label} membership {value} not found."}
        elif not record.is_current:
            findings[f"{scheme}_membership"] = {"ok": False, "summary": f"{label} membership {value} has lapsed."}
        else:
            same = _normalise_name(record.company_name) == _normalise_name(application.organisation_name)
            findings[f"{scheme}_membership"] = {
                "ok": same,
                "summary": f"{label} member {value}: {record.company_name}."
                + ("" if same else " The name differs from the application's."),
            }
    duplicates = []
    if Organisation.objects.filter(is_active=True, name__iexact=application.organisation_name.strip()).exists():
        duplicates.append("an organisation of this name is already licensed")
    if (
        number
        and number != "N/A"
        and Organisation.objects.filter(is_active=True, companies_house_number=number).exists()
    ):
        duplicates.append(f"company {number} is already licensed")
    if User.objects.filter(email__iexact=application.primary_email).exists():
        duplicates.append("the Primary User's email already has an account")
    others = (
        LicenceApplication.objects.filter(organisation_name__iexact=application.organisation_name.strip())
        .exclude(pk=application.pk)
        .exclude(status=Status.REJECTED)
    )
    if others.exists():
        duplicates.append(f"another application is open: {', '.join(o.reference for o in others[:3])}")
    findings["duplicates"] = {
        "ok": not duplicates,
        "summary": "; ".join(duplicates).capitalize() + "." if duplicates else "No duplicate found.",
    }
    with transaction.atomic():
        application.findings = findings
        application.save(update_fields=["findings", "updated_at"])
        _event(application, what="Automated checks finished.", to_status=Status.VERIFYING)
    return findings


def licence_application_record_manual_checks(*, application: LicenceApplication, actor: User, notes: str) -> None:
    findings = dict(application.findings)
    findings["manual"] = {"ok": True, "summary": notes}
    application.findings = findings
    application.save(update_fields=["findings", "updated_at"])
    _event(application, actor=actor, what=f"Checked by hand: {notes}", to_status=Status.VERIFYING)


def licence_application_decide(*, application: LicenceApplication, actor: User, decision: str, text: str = "") -> None:
    """The JIB verification: approve, reject with a reason, or ask for more information."""
    if application.status != Status.VERIFYING:
        raise LicensingError("This application is not waiting for verification.")
    if decision == "approve":
        organisation = Organisation.objects.filter(applications=application).first()
        if organisation is None:
            organisation = org_services.organisation_create(
                name=application.organisation_name,
                address=application.address,
                postcode=application.postcode,
                telephone=application.telephone,
                jib_membership_number=application.jib_membership_number,
                eca_membership_number=application.eca_membership_number,
                companies_house_number=""
                if application.companies_house_number == "N/A"
                else application.companies_house_number,
                is_active=False,  # becomes active when the licence is granted
            )
            application.organisation = organisation
            application.save(update_fields=["organisation", "updated_at"])
        _event(application, actor=actor, what=f"Approved.{' ' + text if text else ''}", to_status=Status.SETTING_UP)
    elif decision == "reject":
        if not text.strip():
            raise LicensingError("Give the reason for rejecting the application.")
        application.decision_reason = text
        application.save(update_fields=["decision_reason", "updated_at"])
        _event(application, actor=actor, what=f"Rejected: {text}", to_status=Status.REJECTED)
        _tell_applicant(application, subject="Your ECS Online Systems licence application",
                        body=f"We are sorry: your application has been rejected.\n\nReason: {text}")  # fmt: skip
    elif decision == "information":
        if not text.strip():
            raise LicensingError("Say what information the applicant must send.")
        application.information_request = text
        application.save(update_fields=["information_request", "updated_at"])
        _event(application, actor=actor, what=f"More information requested: {text}",
               to_status=Status.INFORMATION_REQUESTED)  # fmt: skip
        _tell_applicant(
            application,
            subject="We need more information about your licence application",
            body=f"To carry on with your application we need:\n\n{text}\n\n"
            f"Answer, and upload a document if needed, here: {response_url(application=application)}",
        )
    else:
        raise LicensingError("Choose approve, reject or ask for more information.")


def licence_application_respond(*, application: LicenceApplication, response: str, upload=None) -> None:
    """The applicant's answer to a request for more information: the case returns to verification."""
    from viewflow.workflow.status import STATUS

    from workflows.licence.flows import LicenceFlow

    with transaction.atomic():
        application = LicenceApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != Status.INFORMATION_REQUESTED:
            raise LicensingError("This application is not waiting for information from you.")
        application.information_response = response
        if upload:
            application.information_upload = upload
        application.save()
        _event(application, what="The applicant sent more information.", to_status=Status.VERIFYING)
        task = LicenceFlow.task_class.objects.get(
            process__artifact_object_id=application.pk,
            process__flow_class=LicenceFlow,
            flow_task=LicenceFlow.await_information,
            status=STATUS.NEW,
        )
        LicenceFlow.await_information.run(task)


def licence_grant(*, application: LicenceApplication, actor: User | None) -> Licence:
    """Activate the organisation, record the licence, create the Primary User and invite them."""
    organisation = application.organisation
    if organisation is None or not organisation.offices.exists():
        raise LicensingError("Set up the office structure before granting the licence.")
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(is_active=True)
        licence = Licence.objects.create(
            organisation=organisation,
            application=application,
            employer_portal=application.wants_employer_portal,
            ecs_check=application.wants_ecs_check,
            assessments=application.wants_assessments,
            assessment_types=application.assessment_types,
            granted_by=actor,
        )
        user = account_services.user_create(
            email=application.primary_email,
            first_name=application.primary_first_name,
            last_name=application.primary_last_name,
            title=application.primary_title,
            telephone=application.primary_telephone,
            mobile=application.primary_mobile,
        )
        org_services.portal_user_create(
            user=user, organisation=organisation, office=organisation.head_office, flags=set(ALL_FLAGS),
            is_primary_user=True,
        )  # fmt: skip
        _event(application, actor=actor, what="Licence granted; the Primary User is invited.", to_status=Status.GRANTED)
        transaction.on_commit(lambda: account_services.invitation_send(user=user, organisation_name=organisation.name))
        _tell_applicant(
            application,
            subject="Your ECS Online Systems licence is granted",
            body=f"The licence for {organisation.name} is granted. {user.get_full_name()}, the Primary User, "
            "will receive an email to set up their account.",
        )
    return licence
