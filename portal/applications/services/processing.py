"""The JIB's part of a card application after payment, as far as people take part in it: the employer's
endorsements, verifying, conditional holds, the verification team's decision, the employer supplying what is
missing, and team leader approval. Each function is atomic and records what it changes; what the process waits
for is announced (portal.applications.signals) inside the same transaction.
"""

import logging

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import selectors, signals
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services.events import (
    ApplicationError,
    card_application_lock,
    card_application_record_event,
)
from portal.organisations.permissions import Flag
from portal.registry.selectors import valid_hse_pass

logger = logging.getLogger(__name__)

Status = CardApplication.Status
DocStatus = ApplicationDocument.Status
Route = CardApplication.HseRoute
Endorsement = CardApplication.Endorsement
HSE_HOLD_REASON = "Waiting for the applicant to pass the HS&E assessment."


# Endorsements by the employer


def card_application_request_endorsements(*, application: CardApplication) -> CardApplication:
    """The application needs the employer's endorsement before the JIB checks it."""
    with transaction.atomic():
        application = card_application_lock(application)
        wanted = []
        if selectors.needs_grading_endorsement(application=application):
            wanted.append(f"a change in grading to {application.grade}")
        if selectors.needs_supervisor_endorsement(application=application):
            wanted.append("Qualified Supervisor status")
        card_application_record_event(
            application,
            what=f"Waiting for the employer to endorse {' and '.join(wanted)}.",
            to_status=Status.AWAITING_ENDORSEMENT,
        )
    return application


def card_application_await_endorsement(*, application: CardApplication, which: str) -> CardApplication:
    """The process has reached the employer's endorsement `which`: the portal offers it until it is decided
    (the wait itself is recorded by card_application_request_endorsements)."""
    field = _awaiting_field(which)
    with transaction.atomic():
        application = card_application_lock(application)
        if getattr(application, field):
            return application
        setattr(application, field, True)
        application.save(update_fields=[field, "updated_at"])
        signals.endorsement_awaited.send(sender=CardApplication, application=application, which=which)
    return application


def _awaiting_field(which: str) -> str:
    if which not in Endorsement.values:
        raise ApplicationError("Unknown endorsement.")
    return f"awaiting_{which}_endorsement"


def card_application_endorse(
    *, application: CardApplication, actor: User, which: str, endorse: bool, reason: str = ""
) -> CardApplication:
    """The employer's user endorses (or declines) a change in grading or Qualified Supervisor status; they must
    hold the endorsement's flag at the applicant's office or above it. The decision is announced.

    Declining does not stop the application: a declined change in grading keeps the grade on the operative's
    current card (or none), a declined Qualified Supervisor request is withdrawn; the reason is recorded."""
    field = _awaiting_field(which)
    reason = reason.strip()
    if not endorse and not reason:
        raise ApplicationError("Say why you decline the endorsement.", field="reason")
    flag = selectors.ENDORSEMENT_FLAGS[which]
    with transaction.atomic():
        application = card_application_lock(application)
        if not selectors.card_application_in_reach(user=actor, application_id=application.pk, flag=flag):
            raise ApplicationError(f"You need the “{flag.label}” permission for application {application.reference}.")
        if not application.awaits_endorsement(which):
            raise ApplicationError(f"Application {application.reference} is not waiting for this endorsement.")
        now = timezone.now()
        setattr(application, field, False)
        fields = [field, "updated_at"]
        if which == Endorsement.GRADING:
            grade = application.grade
            if endorse:
                application.grading_endorsed_at, application.grading_endorsed_by = now, actor
                fields += ["grading_endorsed_at", "grading_endorsed_by"]
                what = f"Change in grading to {grade} endorsed."
            else:
                card = selectors.reference_card(application=application)
                kept = (
                    card.grade
                    if card and card.grade and card.grade.occupation_id == application.main_occupation_id
                    else None
                )
                application.grade = kept
                fields.append("grade")
                what = (
                    f"Change in grading to {grade} declined by the employer: {reason} "
                    f"The application carries on with {'the grade ' + str(kept) if kept else 'no grade'}."
                )
        else:
            if endorse:
                application.supervisor_endorsed_at, application.supervisor_endorsed_by = now, actor
                fields += ["supervisor_endorsed_at", "supervisor_endorsed_by"]
                what = "Qualified Supervisor status endorsed."
            else:
                application.qualified_supervisor = False
                fields.append("qualified_supervisor")
                what = (
                    f"Qualified Supervisor status declined by the employer: {reason} "
                    "The request is withdrawn from the application."
                )
        application.save(update_fields=fields)
        card_application_record_event(application, actor=actor, what=what)
        signals.endorsement_decided.send(
            sender=CardApplication, application=application, which=which, endorsed=endorse, actor=actor
        )
    return application


def card_application_start_verifying(*, application: CardApplication) -> CardApplication:
    """The case goes (back) to verifying. A newly paid application stays "Received" until its pre-checks run."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status not in (Status.RECEIVED, Status.VERIFYING):
            card_application_record_event(
                application, what="Verifying: the automated pre-checks are running.", to_status=Status.VERIFYING
            )
    return application


def card_application_verify_automatically(*, application: CardApplication) -> CardApplication:
    with transaction.atomic():
        application = card_application_lock(application)
        card_application_record_event(
            application, what="Verified automatically: every pre-check passed.", to_status=Status.VERIFIED
        )
    return application


# Conditional hold: waiting for an HS&E pass


def card_application_hold_conditionally(*, application: CardApplication) -> CardApplication:
    """Only the HS&E pass is missing: the application waits, and a recorded pass releases it. A pass recorded
    while the pre-checks ran is looked for once this commits, so no hold waits for a pass already there."""
    with transaction.atomic():
        application = card_application_lock(application)
        application.hold_reason = HSE_HOLD_REASON
        application.save(update_fields=["hold_reason", "updated_at"])
        if application.status != Status.CONDITIONAL_HOLD:
            card_application_record_event(
                application, what=f"Conditional hold: {HSE_HOLD_REASON}", to_status=Status.CONDITIONAL_HOLD
            )
        operative_id = application.operative_id
        transaction.on_commit(lambda: card_application_release_conditional_holds(operative_id=operative_id))
    return application


def card_application_release_conditional_holds(*, operative_id: int, actor: User | None = None) -> int:
    """Release every application of the operative on conditional hold, if they now hold a valid HS&E pass:
    the application takes that pass and goes through the pre-checks again (the release is announced). Each in
    its own transaction, so one that fails does not keep the others waiting. Returns how many were released."""
    result = valid_hse_pass(operative_id=operative_id)
    if result is None:
        return 0
    released = 0
    for pk in CardApplication.objects.filter(operative_id=operative_id, status=Status.CONDITIONAL_HOLD).values_list(
        "pk", flat=True
    ):
        try:
            with transaction.atomic():
                application = CardApplication.objects.select_for_update().get(pk=pk)
                if application.status != Status.CONDITIONAL_HOLD:
                    continue
                application.hse_result, application.hse_route, application.hold_reason = (
                    result,
                    Route.VALID_RESULT,
                    "",
                )
                application.save(update_fields=["hse_result", "hse_route", "hold_reason", "updated_at"])
                card_application_record_event(
                    application,
                    actor=actor,
                    to_status=Status.VERIFYING,
                    what=f"HS&E pass {result.number} recorded: the conditional hold is released.",
                )
                signals.conditional_hold_released.send(sender=CardApplication, application=application, actor=actor)
        except Exception:
            logger.exception("Application %s could not be released from its conditional hold", pk)
            continue
        released += 1
    return released


# The verification task (the JIB's verification team)

DECISIONS = ("approve", "hold", "reject")


def card_application_verification_decide(
    *, application: CardApplication, actor: User, documents: dict[int, tuple[str, str]], decision: str, text: str = ""
) -> CardApplication:
    """The case worker's decision on each document (accept/reject, with a note) and on the application:
    approve (verified; or a conditional hold when only the HS&E pass is still to come), put on hold with what is
    missing (the employer supplies it), or reject with a reason. Nothing is saved unless all of it is valid."""
    if decision not in DECISIONS:
        raise ApplicationError("Choose a decision.", field="decision")
    text = text.strip()
    if decision in ("hold", "reject") and not text:
        raise ApplicationError("Say what is missing, or why the application is rejected.", field="text")
    now = timezone.now()
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status != Status.VERIFYING:
            raise ApplicationError(f"Application {application.reference} is not being verified.")
        docs = {
            d.pk: d for d in application.documents.select_for_update(of=("self",)).select_related("qualification_type")
        }
        for pk, (choice, note) in documents.items():
            if not choice:
                continue
            document = docs.get(pk)
            if document is None:
                raise ApplicationError("A document is not part of this application.")
            if choice == "reject" and not note.strip():
                raise ApplicationError("Say why the document is not accepted.", field=f"doc_{pk}_note")
            document.status = DocStatus.ACCEPTED if choice == "accept" else DocStatus.REJECTED
            document.decided_by, document.decided_at, document.decision_note = actor, now, note.strip()
            document.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
            label = document.qualification_type or document.get_kind_display()
            said = "accepted" if choice == "accept" else "not accepted"
            card_application_record_event(
                application,
                actor=actor,
                what=f"Document “{label}” {said}{': ' + note.strip() if note.strip() else ''}.",
            )
        if decision == "approve":
            undecided = [
                d for d in docs.values() if d.status not in (DocStatus.VERIFIED, DocStatus.ACCEPTED, DocStatus.REJECTED)
            ]
            if undecided:
                raise ApplicationError("Accept or reject every document before approving the application.")
            hse_pending = application.hse_route == Route.WILL_SIT and not valid_hse_pass(
                operative_id=application.operative_id
            )
            if hse_pending:
                application.hold_reason = HSE_HOLD_REASON
                application.save(update_fields=["hold_reason", "updated_at"])
                card_application_record_event(
                    application,
                    actor=actor,
                    to_status=Status.CONDITIONAL_HOLD,
                    what=f"Verified by a case worker; conditional hold: {HSE_HOLD_REASON}",
                )
            else:
                card_application_record_event(
                    application, actor=actor, what="Verified by a case worker.", to_status=Status.VERIFIED
                )
        elif decision == "hold":
            application.hold_reason = text
            application.save(update_fields=["hold_reason", "updated_at"])
            card_application_record_event(
                application, actor=actor, what=f"On hold; asked the employer for: {text}", to_status=Status.ON_HOLD
            )
            signals.application_put_on_hold.send(sender=CardApplication, application=application, actor=actor)
        else:
            application.decision_reason, application.completed_at = text, now
            application.save(update_fields=["decision_reason", "completed_at", "updated_at"])
            card_application_record_event(application, actor=actor, what=f"Rejected: {text}", to_status=Status.REJECTED)
            signals.application_rejected.send(sender=CardApplication, application=application, actor=actor)
    return application


def card_application_supply(
    *,
    application: CardApplication,
    actor: User,
    answer: str,
    upload=None,
    content_type: str = "",
    kind: str = ApplicationDocument.Kind.CERTIFICATE,
) -> CardApplication:
    """The employer's user answers an application on hold, with a note and/or a document: back to verifying
    (announced). They must be able to fill in applications at the applicant's office or above it."""
    answer = answer.strip()
    if not answer and upload is None:
        raise ApplicationError("Write an answer or upload a document (or both).", field="answer")
    with transaction.atomic():
        application = card_application_lock(application)
        flag = Flag.FILL_IN_APPLICATIONS
        if not selectors.card_application_in_reach(user=actor, application_id=application.pk, flag=flag):
            raise ApplicationError(f"You need the “{flag.label}” permission for application {application.reference}.")
        if application.status != Status.ON_HOLD:
            raise ApplicationError(f"Application {application.reference} is not on hold waiting for you.")
        asked = application.hold_reason
        if upload is not None:
            ApplicationDocument.objects.create(
                application=application,
                kind=kind,
                entry=ApplicationDocument.Entry.MANUAL,
                status=DocStatus.MANUAL_CHECK,
                file=upload,
                content_type=content_type,
                details=answer,
                uploaded_by=actor,
            )
        application.hold_reason = ""
        application.save(update_fields=["hold_reason", "updated_at"])
        parts = [f"answer: {answer}"] if answer else []
        if upload is not None:
            parts.append("a document uploaded for checking")
        card_application_record_event(
            application,
            actor=actor,
            to_status=Status.VERIFYING,
            what=f"The employer supplied what was asked for ({asked}): {'; '.join(parts)}.",
        )
        signals.missing_information_supplied.send(sender=CardApplication, application=application, actor=actor)
    return application


# Team leader approval


def card_application_approval_decide(
    *, application: CardApplication, actor: User, decision: str, text: str = ""
) -> CardApplication:
    """A team leader approves a verified application (recorded as its approver), or sends it back to
    verification saying why."""
    text = text.strip()
    if decision not in ("approve", "back"):
        raise ApplicationError("Choose a decision.", field="decision")
    if decision == "back" and not text:
        raise ApplicationError("Say why the application goes back to verification.", field="text")
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status != Status.VERIFIED:
            raise ApplicationError(f"Application {application.reference} is not verified.")
        if decision == "approve":
            application.approved_by = actor
            application.save(update_fields=["approved_by", "updated_at"])
            card_application_record_event(
                application, actor=actor, what="Approved by a team leader.", to_status=Status.APPROVED
            )
        else:
            card_application_record_event(
                application,
                actor=actor,
                to_status=Status.VERIFYING,
                what=f"Sent back to verification by a team leader: {text}",
            )
    return application
