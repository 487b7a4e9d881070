"""Licence applications: submit, automated checks, the JIB's decision, more information, set-up and grant."""

import re
import secrets

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.core.text import one_full_stop
from portal.integrations import companies_house
from portal.licensing.models import CaseEvent, Licence, LicenceApplication, MembershipRecord
from portal.licensing.selectors import licence_application_response_url, licence_application_status_url
from portal.licensing.signals import licence_application_information_received, licence_application_submitted
from portal.organisations import services as org_services
from portal.organisations.models import Organisation
from portal.organisations.permissions import ALL_FLAGS

Status = LicenceApplication.Status
Decision = LicenceApplication.Decision


class LicensingError(Exception):
    """A rule refused the change; the message is for the user, shown beside `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _locked(application: LicenceApplication) -> LicenceApplication:
    return LicenceApplication.objects.select_for_update().get(pk=application.pk)


def _event(application, *, what: str, actor: User | None = None, to_status: str | None = None) -> None:
    before = application.status
    if to_status is not None and to_status != before:
        application.status = to_status
        application.save(update_fields=["status", "updated_at"])
    CaseEvent.objects.create(
        application=application, actor=actor, from_status=before, to_status=application.status, what=one_full_stop(what)
    )


def _new_reference() -> str:
    year = timezone.now().year
    while True:
        reference = f"LA{year}-{secrets.randbelow(900000) + 100000}"
        if not LicenceApplication.objects.filter(reference=reference).exists():
            return reference


def _tell_applicant(application: LicenceApplication, *, subject: str, body: str) -> None:
    status_url = licence_application_status_url(application=application)
    message = (
        f"{body}\n\nYour reference: {application.reference}\n"
        f"See where your application stands: {status_url}\n\nThe JIB licensing team"
    )
    transaction.on_commit(
        lambda: send_mail(subject=f"{subject} ({application.reference})", message=message, from_email=None,
                          recipient_list=[application.contact_email])
    )  # fmt: skip


def licence_application_submit(*, data: dict, accounts=None) -> LicenceApplication:
    """Record the application and announce it (its checks start). `data` holds the form's cleaned fields."""
    with transaction.atomic():
        application = LicenceApplication.objects.create(reference=_new_reference(), accounts=accounts or "", **data)
        CaseEvent.objects.create(application=application, to_status=application.status, what="Application received.")
        licence_application_submitted.send(sender=LicenceApplication, application=application)
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


def _companies_house_finding(application: LicenceApplication) -> dict | None:
    number = application.companies_house_number
    if number and number != "N/A":
        profile = companies_house.company_profile(number=number)
        if profile is None:
            return {"ok": False, "summary": f"No company {number} at Companies House."}
        name_ok = _normalise_name(profile.name) == _normalise_name(application.organisation_name)
        summary = f"{profile.name}, {profile.status}, incorporated {profile.created_on or 'unknown'}."
        if not name_ok:
            summary += f" The name differs from the application's “{application.organisation_name}”."
        if not profile.is_active:
            summary += " The company is not active."
        return {"ok": name_ok and profile.is_active, "summary": summary}
    if not application.is_member:
        return {"ok": False, "summary": "Not a member and not incorporated (N/A): check the accounts."}
    return None


def _membership_finding(application: LicenceApplication, *, scheme: str, value: str) -> dict:
    record = MembershipRecord.objects.filter(scheme=scheme, number__iexact=value.strip()).first()
    label = scheme.upper()
    if record is None:
        return {"ok": False, "summary": f"{label} membership {value} not found."}
    if not record.is_current:
        return {"ok": False, "summary": f"{label} membership {value} has lapsed."}
    same = _normalise_name(record.company_name) == _normalise_name(application.organisation_name)
    return {
        "ok": same,
        "summary": f"{label} member {value}: {record.company_name}."
        + ("" if same else " The name differs from the application's."),
    }


def _duplicates_finding(application: LicenceApplication) -> dict:
    number = application.companies_house_number
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
    return {
        "ok": not duplicates,
        "summary": "; ".join(duplicates).capitalize() + "." if duplicates else "No duplicate found.",
    }


def licence_application_run_checks(*, application: LicenceApplication) -> dict:
    """The automated checks: Companies House, membership records, duplicates. Raises ExternalServiceUnavailable
    when Companies House cannot be reached (the job is retried, then handed to a person)."""
    findings: dict[str, dict] = {}
    companies_house_finding = _companies_house_finding(application)
    if companies_house_finding is not None:
        findings["companies_house"] = companies_house_finding
    for scheme, value in (("jib", application.jib_membership_number), ("eca", application.eca_membership_number)):
        if value:
            findings[f"{scheme}_membership"] = _membership_finding(application, scheme=scheme, value=value)
    findings["duplicates"] = _duplicates_finding(application)
    with transaction.atomic():
        application = _locked(application)
        application.findings = findings
        application.save(update_fields=["findings", "updated_at"])
        _event(application, what="Automated checks finished.", to_status=Status.VERIFYING)
    return findings


def licence_application_record_manual_checks(*, application: LicenceApplication, actor: User, notes: str) -> None:
    if not notes.strip():
        raise LicensingError("Say what you checked and what you found.", field="notes")
    with transaction.atomic():
        application = _locked(application)
        findings = dict(application.findings)
        findings["manual"] = {"ok": True, "summary": notes}
        application.findings = findings
        application.save(update_fields=["findings", "updated_at"])
        _event(application, actor=actor, what=f"Checked by hand: {notes}", to_status=Status.VERIFYING)


def licence_application_decide(
    *, application: LicenceApplication, actor: User, decision: Decision, text: str = ""
) -> None:
    """The JIB verification: approve, reject with a reason, or ask for more information."""
    with transaction.atomic():
        application = _locked(application)
        _decide(application, actor=actor, decision=decision, text=text.strip())


def _decide(application: LicenceApplication, *, actor: User, decision: Decision, text: str) -> None:
    if application.status != Status.VERIFYING:
        raise LicensingError("This application is not waiting for verification.")
    if decision == Decision.APPROVE:
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
    elif decision == Decision.REJECT:
        if not text:
            raise LicensingError("Say why the application is rejected.", field="text")
        application.decision_reason = text
        application.save(update_fields=["decision_reason", "updated_at"])
        _event(application, actor=actor, what=f"Rejected: {text}", to_status=Status.REJECTED)
        _tell_applicant(application, subject="Your ECS Online Systems licence application",
                        body=f"We are sorry: your application has been rejected.\n\nReason: {text}")  # fmt: skip
    elif decision == Decision.INFORMATION:
        if not text:
            raise LicensingError("Say what information the applicant must send.", field="text")
        application.information_request = text
        application.save(update_fields=["information_request", "updated_at"])
        _event(application, actor=actor, what=f"More information requested: {text}",
               to_status=Status.INFORMATION_REQUESTED)  # fmt: skip
        _tell_applicant(
            application,
            subject="We need more information about your licence application",
            body=f"To carry on with your application we need:\n\n{text}\n\n"
            "Answer, and upload a document if needed, here: "
            f"{licence_application_response_url(application=application)}",
        )
    else:
        raise LicensingError("Choose approve, reject or ask for more information.", field="decision")


def licence_application_respond(*, application: LicenceApplication, response: str, upload=None) -> None:
    """The applicant's answer to a request for more information: the case returns to verification."""
    with transaction.atomic():
        application = _locked(application)
        if not application.awaits_information:
            raise LicensingError("This application is not waiting for information from you.")
        application.information_response = response
        if upload:
            application.information_upload = upload
        application.save()
        _event(application, what="The applicant sent more information.", to_status=Status.VERIFYING)
        licence_application_information_received.send(sender=LicenceApplication, application=application)


def licence_application_finish_set_up(*, application: LicenceApplication, actor: User) -> None:
    """The office structure is agreed with the Primary User; the licence is granted in `actor`'s name."""
    with transaction.atomic():
        application = _locked(application)
        if not application.is_approved:
            raise LicensingError("This application is not being set up.")
        if application.organisation is None or not application.organisation.offices.exists():
            raise LicensingError("Set up the office structure before granting the licence.")
        application.set_up_by = actor
        application.save(update_fields=["set_up_by", "updated_at"])
        _event(application, actor=actor, what="Office structure agreed with the Primary User.")


def licence_grant(*, application: LicenceApplication) -> Licence:
    """Activate the organisation, record the licence (granted by whoever agreed the offices), create the Primary
    User and invite them."""
    with transaction.atomic():
        application = _locked(application)
        organisation = application.organisation
        if organisation is None or not organisation.offices.exists():
            raise LicensingError("Set up the office structure before granting the licence.")
        actor = application.set_up_by
        Organisation.objects.filter(pk=organisation.pk).update(is_active=True)
        licence = Licence.objects.create(
            organisation=organisation,
            application=application,
            organisation_kind=application.organisation_kind,
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


def licence_parts_change(
    *,
    licence: Licence,
    employer_portal: bool,
    ecs_check: bool,
    assessments: bool,
    assessment_types: list[str],
    reason: str,
    actor: User,
) -> Licence:
    """The JIB licensing team changes which parts a licence includes and which assessment types (HS&E comes with
    every ECS Assessments licence); the change and its reason are recorded."""
    from portal.licensing.models import AssessmentType, LicenceEvent, LicencePart

    if not reason.strip():
        raise LicensingError("Say why the licence is changed.", field="reason")
    if not (employer_portal or ecs_check or assessments):
        raise LicensingError("A licence includes at least one part.", field="employer_portal")
    unknown = set(assessment_types) - set(AssessmentType.values)
    if unknown:
        raise LicensingError("Choose assessment types from the list.", field="assessment_types")
    types = [code for code in AssessmentType.values if code in assessment_types] if assessments else []
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=licence.pk)
        before_parts, before_types = licence.parts, licence.assessment_types
        licence.employer_portal, licence.ecs_check, licence.assessments = employer_portal, ecs_check, assessments
        licence.assessment_types = types
        if licence.parts == before_parts and types == before_types:
            raise LicensingError("Nothing was changed.", field="employer_portal")
        licence.save(update_fields=["employer_portal", "ecs_check", "assessments", "assessment_types"])
        changes = []
        for part in LicencePart:
            was, now = part.label in before_parts, licence.covers(part)
            if was != now:
                changes.append(f"{part.label} {'added' if now else 'removed'}")
        for code in AssessmentType.values:
            was, now = code in before_types, code in types
            if was != now:
                changes.append(f"{AssessmentType(code).label} assessment {'added' if now else 'removed'}")
        LicenceEvent.objects.create(
            licence=licence, actor=actor, what=one_full_stop(f"{'; '.join(changes)}. Reason: {reason.strip()}.")
        )
        return licence
