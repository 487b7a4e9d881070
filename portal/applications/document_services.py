"""Step 2 of a card application: qualification documents (read by OCR and checked with the awarding body, or
entered by hand) and the HS&E requirement.

An uploaded certificate, or certificate details entered by hand, are stored as an ApplicationDocument in READING
and handed to Prefect (`tasks.documents.read_document`) when the transaction commits. The task calls
`application_document_read`, which does the work outside any lock and records the outcome only if the document is
still READING, so a repeated or late delivery changes nothing. After the last retry the task's failure hook calls
`application_document_read_failed`: the document goes to the JIB for manual checking, with the reason.
"""

import difflib
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import selectors
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services import ApplicationError, application_event
from portal.core.services import background_job_enqueue
from portal.documents.ocr import CertificateReading, certificate_read, reading_compare
from portal.integrations.awarding_bodies import CertificateCheck, certificate_check
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable
from portal.registry.models import AwardingBody, HseExemption, QualificationType, ReferenceType

logger = logging.getLogger(__name__)

Doc = ApplicationDocument
DocStatus = ApplicationDocument.Status
Route = CardApplication.HseRoute
# A reading whose task has had no report for this long is handed to Prefect again (a worker died).
STALLED_AFTER = timedelta(minutes=10)


# --- helpers -------------------------------------------------------------------------------------------------------


def _locked_editable(application: CardApplication) -> CardApplication:
    """The application, row-locked, if the employer may still change it."""
    application = (
        CardApplication.objects.select_for_update(of=("self",)).select_related("operative").get(pk=application.pk)
    )
    if not application.is_editable:
        raise ApplicationError(
            f"Application {application.reference} is {application.get_status_display().lower()}: "
            "its documents can no longer be changed."
        )
    return application


def _submit_on_commit(document_id: int) -> None:
    transaction.on_commit(lambda: application_document_submit(document_id=document_id))


def _label(document: ApplicationDocument) -> str:
    if document.reference_type_id:
        return document.reference_type.name
    if document.certificate_number:
        return f"certificate {document.certificate_number}"
    return document.get_kind_display().lower()


# --- handing the reading to Prefect --------------------------------------------------------------------------------


def application_document_submit(*, document_id: int) -> None:
    """Record the reading in the outbox; after the commit it is handed to Prefect (or run here, inline)."""
    background_job_enqueue(kind="read_document", ref=str(document_id))


def application_documents_stalled(*, older_than: timedelta = STALLED_AFTER) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        Doc.objects.filter(status=DocStatus.READING, updated_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)
    )


def application_documents_resubmit_stalled(*, older_than: timedelta = STALLED_AFTER) -> int:
    """Hand over again every document still being read after `older_than` with no outcome."""
    ids = application_documents_stalled(older_than=older_than)
    for document_id in ids:
        logger.warning("Document %s has had no outcome for %s; handing it over again", document_id, older_than)
        application_document_submit(document_id=document_id)
    return len(ids)


def document_failure_reason(exc: BaseException | None) -> str:
    """Why the automatic check gave up, in words for the employer and the JIB (no personal data)."""
    if isinstance(exc, ExternalServiceUnavailable):
        return (
            f"The awarding body could not be reached ({exc.party}: {exc.reason}). "
            "The document is kept for the JIB to check by hand."
        )
    return "The document could not be checked automatically. It is kept for the JIB to check by hand."


# --- the reading (called by the Prefect task) ---------------------------------------------------------------------


def _reading_dict(reading: CertificateReading) -> dict:
    return {
        "readable": reading.readable,
        "awarding_body": reading.awarding_body,
        "candidate_name": reading.candidate_name,
        "qualification_code": reading.qualification_code,
        "qualification_title": reading.qualification_title,
        "certificate_number": reading.certificate_number,
        "date_awarded": reading.date_awarded.isoformat() if reading.date_awarded else "",
    }


def _norm_code(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def _qualification_type(body: AwardingBody, *, code: str, title: str) -> QualificationType | None:
    """The recognised qualification of `body` with this code (or, failing that, the closest title)."""
    types = list(QualificationType.objects.filter(awarding_body=body))
    wanted = _norm_code(code)
    if wanted:
        found = next((t for t in types if t.code and _norm_code(t.code) == wanted), None)
        if found:
            return found
    if title:
        titles = {t.title.lower(): t for t in types}
        close = difflib.get_close_matches(title.lower(), titles, n=1, cutoff=0.85)
        if close:
            return titles[close[0]]
    return None


def _check_dict(check: CertificateCheck | None, body: AwardingBody, *, reason: str = "") -> dict:
    base = {"awarding_body": body.name, "checked_at": timezone.now().isoformat()}
    if check is None:
        return {**base, "found": False, "reason": reason}
    return {
        **base,
        "found": True,
        "valid": check.valid,
        "certificate_number": check.certificate_number,
        "first_name": check.first_name,
        "last_name": check.last_name,
        "qualification_code": check.qualification_code,
        "qualification_title": check.qualification_title,
        "awarded_on": check.awarded_on.isoformat() if check.awarded_on else "",
    }


def _first_read(document: ApplicationDocument) -> dict:
    """OCR the uploaded file (once: a retry after the awarding body failed reuses the stored reading)."""
    if document.reading:
        return document.reading
    with document.file.open("rb") as handle:
        data = handle.read()
    reading = certificate_read(data=data, content_type=document.content_type)
    stored = _reading_dict(reading)
    # Kept at once, still READING, so that a retry does not read the file again.
    Doc.objects.filter(pk=document.pk, status=DocStatus.READING).update(reading=stored, updated_at=timezone.now())
    return stored


def application_document_read(*, document_id: int) -> bool:
    """Read the document (OCR for an upload), check it with the awarding body and record the outcome.

    Raises ExternalServiceUnavailable when the awarding body does not answer (Prefect retries). Returns False,
    changing nothing, when the document is gone or no longer READING (a repeated or late delivery)."""
    document = (
        Doc.objects.select_related("application__operative", "awarding_body", "qualification_type")
        .filter(pk=document_id)
        .first()
    )
    if document is None or document.status != DocStatus.READING:
        return False
    operative = document.application.operative
    problems: dict[str, str] = {}
    reading: dict = {}
    body = document.awarding_body
    number = document.certificate_number
    qualification = document.qualification_type
    awarded_on = document.awarded_on

    if document.entry == Doc.Entry.AUTOMATIC:
        reading = _first_read(document)
        if not reading.get("readable") or not (reading.get("awarding_body") or reading.get("certificate_number")):
            return _finish(
                document_id,
                status=DocStatus.UNREADABLE,
                reading=reading,
                problems={
                    "reading": "Neither the awarding body nor a certificate number could be read. The image may be "
                    "too blurred, too dark or cut off: upload a clearer copy, or upload it for manual checking."
                },
            )
        candidate = CertificateReading(
            readable=True,
            awarding_body=reading["awarding_body"],
            candidate_name=reading["candidate_name"],
            certificate_number=reading["certificate_number"],
        )
        problems.update(reading_compare(candidate, first_name=operative.first_name, last_name=operative.last_name))
        body = AwardingBody.objects.filter(code=reading["awarding_body"]).first() if reading["awarding_body"] else None
        if reading["awarding_body"] and body is None:
            problems["awarding_body"] = "The awarding body on the certificate is not one the ECS scheme recognises."
        number = reading["certificate_number"]
        awarded_on = date.fromisoformat(reading["date_awarded"]) if reading["date_awarded"] else None
        if body is not None:
            qualification = _qualification_type(
                body, code=reading["qualification_code"], title=reading["qualification_title"]
            )
            if qualification is None:
                what = reading["qualification_code"] or reading["qualification_title"] or "The qualification"
                problems["qualification"] = (
                    f"{what} is not a {body.name} qualification the ECS scheme recognises, or could not be read."
                )
        if body is None or not number:
            return _finish(
                document_id,
                status=DocStatus.NOT_MATCHED,
                reading=reading,
                problems=problems,
                fields={"awarding_body": body, "certificate_number": number, "qualification_type": qualification,
                        "awarded_on": awarded_on},
            )  # fmt: skip

    verdict = certificate_body_verdict(
        body=body,
        number=number,
        learner_reference=document.learner_reference,
        operative=operative,
        qualification=qualification,
        awarded_on=awarded_on,
        problems=problems,
    )  # ExternalServiceUnavailable propagates: Prefect tries again later, then hands the document to the JIB.
    fields = {"awarding_body": body, "certificate_number": number, "qualification_type": verdict.qualification,
              "awarded_on": verdict.awarded_on}  # fmt: skip
    return _finish(
        document_id,
        status=DocStatus.VERIFIED if verdict.verified else DocStatus.NOT_MATCHED,
        reading=reading,
        problems=verdict.problems,
        body_check=verdict.body_check,
        fields=fields,
    )


@dataclass
class BodyVerdict:
    """What the awarding body's record says of a certificate, against the operative's ECS record."""

    check: CertificateCheck | None
    problems: dict[str, str]
    qualification: QualificationType | None
    awarded_on: date | None
    body_check: dict

    @property
    def verified(self) -> bool:
        return self.check is not None and self.check.valid and not self.problems


def certificate_body_verdict(
    *,
    body: AwardingBody,
    number: str,
    learner_reference: str,
    operative,
    qualification: QualificationType | None,
    awarded_on: date | None,
    problems: dict[str, str] | None = None,
) -> BodyVerdict:
    """Ask the awarding body about a certificate and say what does not match (adding to `problems` already found).

    The one rule for a verified certificate, for step 2 and the JIB's pre-checks alike: the body holds it for this
    operative (last name and date of birth), it is valid, and the qualification and date agree. The body's record of
    a recognised qualification settles one that OCR could not read. Raises ExternalServiceUnavailable when the body
    does not answer."""
    problems = dict(problems or {})
    try:
        check = certificate_check(
            awarding_body=body.code,
            certificate_number=number,
            last_name=operative.last_name,
            date_of_birth=operative.date_of_birth,
            learner_reference=learner_reference,
        )
    except ExternalServiceRejected as exc:
        problems["awarding_body"] = f"{body.name} could not check the certificate: {exc.reason}."
        return BodyVerdict(None, problems, qualification, awarded_on, _check_dict(None, body, reason=exc.reason))

    if check is None:
        problems["certificate_number"] = (
            f"{body.name} has no certificate {number} for a candidate named {operative.last_name} "
            "with the date of birth on the ECS record."
        )
        return BodyVerdict(
            None, problems, qualification, awarded_on, _check_dict(None, body, reason="No matching certificate.")
        )
    if not check.valid:
        problems["valid"] = f"{body.name} records certificate {check.certificate_number} as no longer valid."
    if check.date_of_birth is not None and check.date_of_birth != operative.date_of_birth:
        problems["date_of_birth"] = f"The date of birth {body.name} holds differs from the one on the ECS record."
    if _norm_code(check.last_name) != _norm_code(operative.last_name):
        problems["name"] = f"{body.name} holds the certificate in the name of {check.first_name} {check.last_name}."
    body_type = _qualification_type(body, code=check.qualification_code, title=check.qualification_title)
    if qualification is not None and body_type is not None and qualification.pk != body_type.pk:
        problems["qualification"] = (
            f"{body.name} records the qualification as {check.qualification_title} ({check.qualification_code}), "
            f"not {qualification.title}."
        )
    elif body_type is None:
        problems["qualification"] = (
            f"{check.qualification_title} ({check.qualification_code}) is not a qualification the ECS scheme "
            "recognises."
        )
    else:
        problems.pop("qualification", None)
        qualification = body_type
    if awarded_on and check.awarded_on and awarded_on != check.awarded_on:
        problems["date_awarded"] = (
            f"{body.name} records the award on {check.awarded_on:%d %B %Y}, not {awarded_on:%d %B %Y}."
        )
    return BodyVerdict(check, problems, qualification, check.awarded_on or awarded_on, _check_dict(check, body))


def _finish(
    document_id: int,
    *,
    status: str,
    reading: dict,
    problems: dict,
    body_check: dict | None = None,
    fields: dict | None = None,
) -> bool:
    """Record the outcome if the document is still READING (under a row lock): the first report wins."""
    with transaction.atomic():
        document = (
            Doc.objects.select_for_update(of=("self",))
            .select_related("application", "awarding_body", "reference_type")
            .filter(pk=document_id)
            .first()
        )
        if document is None or document.status != DocStatus.READING:
            logger.info("Document %s was reported again after it was read; ignored", document_id)
            return False
        document.status = status
        if reading:
            document.reading = reading
        document.problems = problems
        document.body_check = body_check or {}
        for name, value in (fields or {}).items():
            setattr(document, name, value if value is not None or name != "certificate_number" else "")
        document.save()
        what = {
            DocStatus.VERIFIED: "verified with the awarding body",
            DocStatus.NOT_MATCHED: "checked: it does not match",
            DocStatus.UNREADABLE: "could not be read",
        }[status]
        application_event(document.application, what=f"Document {document.pk} ({_label(document)}) {what}.")
    return True


def application_document_read_failed(*, document_id: int, reason: str) -> bool:
    """The automatic check gave up (after Prefect's retries): the document goes to the JIB to check by hand."""
    with transaction.atomic():
        document = (
            Doc.objects.select_for_update(of=("self",)).select_related("application").filter(pk=document_id).first()
        )
        if document is None or document.status != DocStatus.READING:
            return False
        document.status = DocStatus.MANUAL_CHECK
        document.problems = {**(document.problems or {}), "check": reason}
        document.save(update_fields=["status", "problems", "updated_at"])
        application_event(
            document.application, what=f"Document {document.pk} left for manual checking by the JIB: {reason}"
        )
    return True


# --- what the employer does ----------------------------------------------------------------------------------------


def application_document_upload(
    *, application: CardApplication, actor: User, file: UploadedFile, content_type: str
) -> ApplicationDocument:
    """Store an uploaded certificate and, once saved, hand it over to be read and checked automatically."""
    with transaction.atomic():
        application = _locked_editable(application)
        document = Doc.objects.create(
            application=application,
            kind=Doc.Kind.CERTIFICATE,
            entry=Doc.Entry.AUTOMATIC,
            status=DocStatus.READING,
            file=file,
            content_type=content_type,
            uploaded_by=actor,
        )
        application_event(application, actor=actor, what=f"Document {document.pk} uploaded for automatic detection.")
        _submit_on_commit(document.pk)
    return document


def application_certificate_enter(
    *,
    application: CardApplication,
    actor: User,
    awarding_body: AwardingBody,
    certificate_number: str,
    qualification_type: QualificationType | None,
    awarded_on: date | None,
    learner_reference: str = "",
) -> ApplicationDocument:
    """Certificate details entered by hand; CHECK DETAILS hands them to the awarding-body check."""
    if qualification_type is not None and qualification_type.awarding_body_id != awarding_body.pk:
        raise ApplicationError(f"{qualification_type.title} is not a {awarding_body.name} qualification.")
    if awarding_body.asks_learner_reference and not learner_reference.strip():
        raise ApplicationError(f"{awarding_body.name} needs the learner reference to check a certificate.")
    with transaction.atomic():
        application = _locked_editable(application)
        document = Doc.objects.create(
            application=application,
            kind=Doc.Kind.CERTIFICATE,
            entry=Doc.Entry.MANUAL,
            status=DocStatus.READING,
            awarding_body=awarding_body,
            qualification_type=qualification_type,
            certificate_number=certificate_number.strip().upper(),
            learner_reference=learner_reference.strip().upper(),
            awarded_on=awarded_on,
            uploaded_by=actor,
        )
        application_event(
            application,
            actor=actor,
            what=f"Certificate {document.certificate_number} ({awarding_body.name}) entered: checking with the body.",
        )
        _submit_on_commit(document.pk)
    return document


def application_reference_enter(
    *,
    application: CardApplication,
    actor: User,
    reference_type: ReferenceType,
    details: str,
    file: UploadedFile | None = None,
    content_type: str = "",
) -> ApplicationDocument:
    """A reference (not a certificate): the JIB checks it by hand."""
    if not details.strip():
        raise ApplicationError("Enter the details the reference type asks for.")
    with transaction.atomic():
        application = _locked_editable(application)
        document = Doc.objects.create(
            application=application,
            kind=Doc.Kind.REFERENCE,
            entry=Doc.Entry.MANUAL,
            status=DocStatus.MANUAL_CHECK,
            reference_type=reference_type,
            details=details.strip(),
            file=file or "",
            content_type=content_type if file else "",
            uploaded_by=actor,
        )
        application_event(
            application, actor=actor, what=f"{reference_type.name} added (document {document.pk}) for the JIB to check."
        )
    return document


def _locked_document(document: ApplicationDocument, actor: User) -> ApplicationDocument:
    _locked_editable(document.application)
    return (
        Doc.objects.select_for_update(of=("self",)).select_related("application", "reference_type").get(pk=document.pk)
    )


def application_document_for_manual_check(*, document: ApplicationDocument, actor: User) -> ApplicationDocument:
    """Keep a document that could not be verified automatically, for the JIB to check by hand."""
    with transaction.atomic():
        document = _locked_document(document, actor)
        if document.status not in (DocStatus.NOT_MATCHED, DocStatus.UNREADABLE):
            raise ApplicationError(
                f"This document is {document.get_status_display().lower()}: only a document that could not be "
                "read or does not match can be sent for manual checking."
            )
        before = document.get_status_display().lower()
        document.status = DocStatus.MANUAL_CHECK
        document.save(update_fields=["status", "updated_at"])
        application_event(
            document.application,
            actor=actor,
            what=f"Document {document.pk} ({_label(document)}, {before}) uploaded for manual checking by the JIB.",
        )
    return document


def application_document_remove(*, document: ApplicationDocument, actor: User) -> None:
    """Remove a document from the application (its file too). A reading still under way is then ignored."""
    with transaction.atomic():
        document = _locked_document(document, actor)
        application = document.application
        if document.kind == Doc.Kind.HSE_EXEMPTION and application.hse_route == Route.EXEMPTION:
            others = application.documents.filter(kind=Doc.Kind.HSE_EXEMPTION).exclude(pk=document.pk)
            if not others.exists():
                raise ApplicationError("This is the evidence of the HS&E exemption: choose another HS&E option first.")
        label, pk, file = _label(document), document.pk, document.file
        document.delete()
        application_event(application, actor=actor, what=f"Document {pk} ({label}) removed.")
        if file:
            transaction.on_commit(lambda: file.storage.delete(file.name))


def application_hse_choose(
    *,
    application: CardApplication,
    actor: User,
    route: str,
    hse_exemption: HseExemption | None = None,
    hse_sitting: str = "",
    evidence: UploadedFile | None = None,
    evidence_content_type: str = "",
    today: date | None = None,
) -> CardApplication:
    """How the applicant meets the HS&E requirement: a valid result on the record, an exemption, or a sitting."""
    with transaction.atomic():
        application = _locked_editable(application)
        application.hse_result = None
        application.hse_exemption = None
        application.hse_sitting = ""
        if route == Route.VALID_RESULT:
            result = selectors.valid_hse_result(operative_id=application.operative_id, today=today)
            if result is None:
                raise ApplicationError("The applicant has no valid HS&E assessment on their ECS record.")
            application.hse_result = result
            what = f"HS&E: the valid assessment {result.number} on the ECS record."
        elif route == Route.EXEMPTION:
            if hse_exemption is None or not hse_exemption.is_active:
                raise ApplicationError("Choose the HS&E exemption.")
            existing = application.documents.filter(kind=Doc.Kind.HSE_EXEMPTION)
            if evidence is None and not existing.exists():
                raise ApplicationError("Upload the evidence of the HS&E exemption.")
            if evidence is not None:
                Doc.objects.create(
                    application=application,
                    kind=Doc.Kind.HSE_EXEMPTION,
                    entry=Doc.Entry.MANUAL,
                    status=DocStatus.MANUAL_CHECK,
                    file=evidence,
                    content_type=evidence_content_type,
                    details=hse_exemption.name,
                    uploaded_by=actor,
                )
            application.hse_exemption = hse_exemption
            what = f"HS&E: exemption “{hse_exemption.name}”, evidence for the JIB to check."
        elif route == Route.WILL_SIT:
            if hse_sitting not in CardApplication.HseSitting.values:
                raise ApplicationError("Say how the applicant will sit the HS&E assessment.")
            application.hse_sitting = hse_sitting
            what = f"HS&E: the applicant will sit the assessment ({CardApplication.HseSitting(hse_sitting).label})."
        else:
            raise ApplicationError("Say how the applicant meets the HS&E requirement.")
        if route != Route.EXEMPTION:
            # Evidence of an exemption no longer claimed is not sent to the JIB.
            stale = list(application.documents.filter(kind=Doc.Kind.HSE_EXEMPTION))
            for document in stale:
                file = document.file
                document.delete()
                if file:
                    transaction.on_commit(lambda f=file: f.storage.delete(f.name))
        application.hse_route = route
        application.save(
            update_fields=["hse_route", "hse_result", "hse_exemption", "hse_sitting", "updated_at"]
        )  # fmt: skip
        application_event(application, actor=actor, what=what)
    return application


def step2_problems(*, application: CardApplication, today: date | None = None) -> list[str]:
    """What still stops the employer moving on from step 2 (empty when nothing does)."""
    problems = []
    if application.documents.filter(status=DocStatus.READING).exists():
        problems.append("Wait until every document has been read and checked.")
    hse = selectors.hse_problem(application=application, today=today)
    if hse and not (
        not application.hse_route and selectors.valid_hse_result(operative_id=application.operative_id, today=today)
    ):
        problems.append(hse)
    return problems


def application_step2_complete(*, application: CardApplication, actor: User, today: date | None = None):
    """NEXT STEP: allowed once nothing is being read and the HS&E part is complete; the application moves to step 3.

    An applicant with a valid HS&E result on the ECS record and no other choice made uses that result."""
    with transaction.atomic():
        application = _locked_editable(application)
        problems = step2_problems(application=application, today=today)
        if problems:
            raise ApplicationError(" ".join(problems))
        if not application.hse_route:
            result = selectors.valid_hse_result(operative_id=application.operative_id, today=today)
            application.hse_route = Route.VALID_RESULT
            application.hse_result = result
            application.save(update_fields=["hse_route", "hse_result", "updated_at"])
            what = f"HS&E: the valid assessment {result.number} on the ECS record."
            application_event(application, actor=actor, what=what)
        if application.step < 3:
            application.step = 3
            application.save(update_fields=["step", "updated_at"])
            application_event(application, actor=actor, what="Qualifications and documents completed (step 2).")
    return application
