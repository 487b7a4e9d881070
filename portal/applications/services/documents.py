"""Step 2 of a card application: qualification documents (read by OCR and checked with the awarding body, or
entered by hand) and the HS&E requirement.

An uploaded certificate, or certificate details entered by hand, are stored as an ApplicationDocument in READING
and handed to Prefect (`tasks.documents.read_document`) when the transaction commits; the reading itself is
`services.reading`.
"""

import logging
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import selectors
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services.events import ApplicationError, card_application_record_event
from portal.applications.services.reading import (
    document_label,
)
from portal.core.services import background_job_enqueue
from portal.registry.models import AwardingBody, HseExemption, QualificationType, ReferenceType
from portal.registry.selectors import valid_hse_pass

logger = logging.getLogger(__name__)

Doc = ApplicationDocument
DocStatus = ApplicationDocument.Status
Route = CardApplication.HseRoute
# A reading whose task has had no report for this long is handed to Prefect again (a worker died).
STALLED_AFTER = timedelta(minutes=10)


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
        card_application_record_event(
            application, actor=actor, what=f"Document {document.pk} uploaded for automatic detection."
        )
        application_document_submit(document_id=document.pk)
    return document


def application_document_enter_certificate(
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
        card_application_record_event(
            application,
            actor=actor,
            what=f"Certificate {document.certificate_number} ({awarding_body.name}) entered: checking with the body.",
        )
        application_document_submit(document_id=document.pk)
    return document


def application_document_enter_reference(
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
        card_application_record_event(
            application, actor=actor, what=f"{reference_type.name} added (document {document.pk}) for the JIB to check."
        )
    return document


def _locked_document(document: ApplicationDocument) -> ApplicationDocument:
    _locked_editable(document.application)
    return (
        Doc.objects.select_for_update(of=("self",)).select_related("application", "reference_type").get(pk=document.pk)
    )


def application_document_for_manual_check(*, document: ApplicationDocument, actor: User) -> ApplicationDocument:
    """Keep a document that could not be verified automatically, for the JIB to check by hand."""
    with transaction.atomic():
        document = _locked_document(document)
        if document.status not in (DocStatus.NOT_MATCHED, DocStatus.UNREADABLE):
            raise ApplicationError(
                f"This document is {document.get_status_display().lower()}: only a document that could not be "
                "read or does not match can be sent for manual checking."
            )
        before = document.get_status_display().lower()
        document.status = DocStatus.MANUAL_CHECK
        document.save(update_fields=["status", "updated_at"])
        card_application_record_event(
            document.application,
            actor=actor,
            what=(
                f"Document {document.pk} ({document_label(document)}, {before}) uploaded for manual checking by "
                "the JIB."
            ),
        )
    return document


def application_document_remove(*, document: ApplicationDocument, actor: User) -> None:
    """Remove a document from the application (its file too). A reading still under way is then ignored."""
    with transaction.atomic():
        document = _locked_document(document)
        application = document.application
        if document.kind == Doc.Kind.HSE_EXEMPTION and application.hse_route == Route.EXEMPTION:
            others = application.documents.filter(kind=Doc.Kind.HSE_EXEMPTION).exclude(pk=document.pk)
            if not others.exists():
                raise ApplicationError("This is the evidence of the HS&E exemption: choose another HS&E option first.")
        label, pk, file = document_label(document), document.pk, document.file
        document.delete()
        card_application_record_event(application, actor=actor, what=f"Document {pk} ({label}) removed.")
        if file:
            transaction.on_commit(lambda: file.storage.delete(file.name))


def card_application_choose_hse(
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
            result = valid_hse_pass(operative_id=application.operative_id, today=today)
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
        card_application_record_event(application, actor=actor, what=what)
    return application


def card_application_complete_step2(*, application: CardApplication, actor: User, today: date | None = None):
    """NEXT STEP: allowed once nothing is being read and the HS&E part is complete; the application moves to step 3.

    An applicant with a valid HS&E result on the ECS record and no other choice made uses that result."""
    with transaction.atomic():
        application = _locked_editable(application)
        problems = selectors.card_application_step2_problems(application=application, today=today)
        if problems:
            raise ApplicationError(" ".join(problems))
        if not application.hse_route:
            result = valid_hse_pass(operative_id=application.operative_id, today=today)
            application.hse_route = Route.VALID_RESULT
            application.hse_result = result
            application.save(update_fields=["hse_route", "hse_result", "updated_at"])
            what = f"HS&E: the valid assessment {result.number} on the ECS record."
            card_application_record_event(application, actor=actor, what=what)
        if application.step < 3:
            application.step = 3
            application.save(update_fields=["step", "updated_at"])
            card_application_record_event(
                application, actor=actor, what="Qualifications and documents completed (step 2)."
            )
    return application
