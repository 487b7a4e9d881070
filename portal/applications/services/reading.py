"""Reading a qualification document (called by the Prefect task): OCR for an upload, the awarding body's check,
and the outcome recorded only if the document is still READING, so a repeated or late delivery changes nothing.
After the last retry the task's failure hook calls `application_document_read_failed`: the document goes to the
JIB for manual checking, with the reason.
"""

import difflib
import logging
import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from portal.applications.models import ApplicationDocument
from portal.applications.services.events import card_application_record_event
from portal.documents.hints import reading_hints
from portal.documents.ocr import CertificateReading, certificate_read, reading_compare
from portal.integrations.awarding_bodies import CertificateCheck, certificate_check
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable
from portal.registry.models import AwardingBody, QualificationType

logger = logging.getLogger(__name__)

Doc = ApplicationDocument
DocStatus = ApplicationDocument.Status


def document_label(document: ApplicationDocument) -> str:
    """How the history names a document."""
    if document.reference_type_id:
        return document.reference_type.name
    if document.certificate_number:
        return f"certificate {document.certificate_number}"
    return document.get_kind_display().lower()


def application_document_failure_reason(exc: BaseException | None) -> str:
    """Why the automatic check gave up, in words for the employer and the JIB (no personal data)."""
    if isinstance(exc, ExternalServiceUnavailable):
        return (
            f"The awarding body could not be reached ({exc.party}: {exc.reason}). "
            "The document is kept for the JIB to check by hand."
        )
    return "The document could not be checked automatically. It is kept for the JIB to check by hand."


def _reading_dict(reading: CertificateReading) -> dict:
    return {
        "readable": reading.readable,
        "awarding_body": reading.awarding_body,
        "candidate_name": reading.candidate_name,
        "qualification_code": reading.qualification_code,
        "qualification_title": reading.qualification_title,
        "certificate_number": reading.certificate_number,
        "date_awarded": reading.date_awarded.isoformat() if reading.date_awarded else "",
        "month_awarded": reading.month_awarded,
        "learner_reference": reading.learner_reference,
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
    operative = document.application.operative
    hints = reading_hints(
        first_name=operative.first_name, last_name=operative.last_name, date_of_birth=operative.date_of_birth
    )
    reading = certificate_read(data=data, content_type=document.content_type, hints=hints)
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
    learner_reference = document.learner_reference

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
        if body is not None and body.asks_learner_reference:
            # The body checks by the ULN: without one (none read, or a reading stored before ULNs were read) it
            # would only refuse, so it is not asked and the employer is told what to do instead.
            learner_reference = reading.get("learner_reference", "")
            if not learner_reference and number:
                problems["learner_reference"] = (
                    f"{body.name} checks a certificate by the learner's unique learner number (ULN), and none could "
                    "be read from this one. Remove it and enter the certificate's details by hand with the ULN "
                    "(it is on the learner's record), or upload it for manual checking."
                )
        if body is None or not number or "learner_reference" in problems:
            return _finish(
                document_id,
                status=DocStatus.NOT_MATCHED,
                reading=reading,
                problems=problems,
                fields={"awarding_body": body, "certificate_number": number, "qualification_type": qualification,
                        "awarded_on": awarded_on, "learner_reference": learner_reference},
            )  # fmt: skip

    verdict = certificate_body_verdict(
        body=body,
        number=number,
        learner_reference=learner_reference,
        operative=operative,
        qualification=qualification,
        awarded_on=awarded_on,
        problems=problems,
    )  # ExternalServiceUnavailable propagates: Prefect tries again later, then hands the document to the JIB.
    # The date stays as entered or read (the body's own is kept in its answer); the body's fills one not read.
    fields = {"awarding_body": body, "certificate_number": number, "qualification_type": verdict.qualification,
              "awarded_on": awarded_on or verdict.awarded_on, "learner_reference": learner_reference}  # fmt: skip
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
        card_application_record_event(
            document.application, what=f"Document {document.pk} ({document_label(document)}) {what}."
        )
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
        card_application_record_event(
            document.application, what=f"Document {document.pk} left for manual checking by the JIB: {reason}"
        )
    return True
