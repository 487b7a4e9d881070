"""The JIB's part of a card application, after payment: endorsements, pre-checks, verification, holds,
team leader approval, the card prepared and dispatched. Each function is atomic and records what it changes.

The process graph (workflows.card_application.flows) calls these; so do the back-office task views and the
employer's portal pages. A function that completes a waiting step of the process finds that step itself, so a
repeated or late call changes nothing and says why.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from portal.accounts.models import User
from portal.applications import processing_selectors as selectors
from portal.applications.document_services import certificate_body_verdict
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.selectors import card_application_open_task, held_qualification_type_ids, hse_problem
from portal.applications.services import ApplicationError, application_event, card_application_lock
from portal.registry.models import Card
from portal.registry.selectors import occupations_offered

Status = CardApplication.Status
DocStatus = ApplicationDocument.Status
Route = CardApplication.HseRoute

# Card numbers the system issues: eight digits from this range (older cards keep the numbers they have).
CARD_NUMBER_FIRST = 60_000_000
CARD_NUMBER_LAST = 69_999_999
ENDORSEMENTS = ("grading", "supervisor")
HSE_HOLD_REASON = "Waiting for the applicant to pass the HS&E assessment."


def _flow():
    from workflows.card_application.flows import CardApplicationFlow

    return CardApplicationFlow


def _endorsement_node(which: str):
    flow = _flow()
    return {"grading": flow.endorse_grading, "supervisor": flow.endorse_supervisor}[which]


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
        application_event(
            application,
            what=f"Waiting for the employer to endorse {' and '.join(wanted)}.",
            to_status=Status.AWAITING_ENDORSEMENT,
        )
    return application


def card_application_endorse(
    *, application: CardApplication, actor: User, which: str, endorse: bool, reason: str = ""
) -> CardApplication:
    """The employer endorses (or declines) a change in grading or Qualified Supervisor status.

    Declining does not stop the application: a declined change in grading keeps the grade on the operative's
    current card (or none), a declined Qualified Supervisor request is withdrawn; the reason is recorded."""
    if which not in ENDORSEMENTS:
        raise ApplicationError("Unknown endorsement.")
    reason = reason.strip()
    if not endorse and not reason:
        raise ApplicationError("Say why you decline the endorsement.")
    node = _endorsement_node(which)
    with transaction.atomic():
        application = card_application_lock(application)
        task = card_application_open_task(application=application, node=node)
        if task is None:
            raise ApplicationError(f"Application {application.reference} is not waiting for this endorsement.")
        now = timezone.now()
        fields = ["updated_at"]
        if which == "grading":
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
        application_event(application, actor=actor, what=what)
        node.run(task)
    return application


# Verifying: the automated pre-checks


def card_application_start_verifying(*, application: CardApplication) -> CardApplication:
    """The case goes (back) to verifying. A newly paid application stays "Received" until its pre-checks run."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status not in (Status.RECEIVED, Status.VERIFYING):
            application_event(
                application, what="Verifying: the automated pre-checks are running.", to_status=Status.VERIFYING
            )
    return application


def _mark_verifying(application: CardApplication) -> None:
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status == Status.RECEIVED:
            application_event(
                application, what="Verifying: the automated pre-checks are running.", to_status=Status.VERIFYING
            )


def _document_recheck(document: ApplicationDocument, operative) -> None:
    """Ask the awarding body about a certificate whose check is missing, by the same rule as step 2, and record its
    answer. The body being unavailable raises (the automated step retries, then hands the case to a person)."""
    verdict = certificate_body_verdict(
        body=document.awarding_body,
        number=document.certificate_number,
        learner_reference=document.learner_reference,
        operative=operative,
        qualification=document.qualification_type,
        awarded_on=document.awarded_on,
    )
    document.body_check = {**verdict.body_check, "by": "pre-checks"}
    document.problems = verdict.problems
    if verdict.verified:
        document.status = DocStatus.VERIFIED
        document.qualification_type = verdict.qualification
    elif document.status == DocStatus.VERIFIED:
        document.status = DocStatus.MANUAL_CHECK  # the body does not confirm it: a person looks
    document.save(update_fields=["body_check", "problems", "status", "qualification_type", "updated_at"])


def _check(name: str, ok: bool, summary: str, **extra) -> dict:
    return {"name": name, "ok": ok, "summary": summary, **extra}


def _eligibility(application: CardApplication) -> dict:
    if application.main_occupation_id is None:
        return _check("Eligibility", False, "No main occupation is chosen.")
    held = held_qualification_type_ids(application=application, verified_only=True)
    offered = {
        o.pk: (o, ok, missing)
        for o, ok, missing in occupations_offered(card_type=application.card_type, held_qualification_ids=held)
    }
    wanted = [application.main_occupation, *application.additional_occupations.all()]
    problems = []
    for occupation in wanted:
        entry = offered.get(occupation.pk)
        if entry is None:
            problems.append(f"{occupation} is not an occupation of the {application.card_type} card")
        elif not entry[1]:
            problems.append(f"{occupation} needs {'; '.join(r.description for r in entry[2])}")
    if application.grade_id and application.grade.occupation_id != application.main_occupation_id:
        problems.append(f"the grade {application.grade} is not a grade of {application.main_occupation}")
    if problems:
        return _check("Eligibility", False, "Not shown by the verified documents: " + "; ".join(problems) + ".")
    names = ", ".join(str(o) for o in wanted)
    return _check("Eligibility", True, f"The verified qualifications meet {names}.")


def _hse(application: CardApplication, today: date) -> dict:
    route = application.hse_route
    if route == Route.WILL_SIT:
        result = selectors.best_hse_pass(operative_id=application.operative_id, today=today)
        if result is None:
            how = application.get_hse_sitting_display() or "how is not said"
            return _check(
                "HS&E", False, f"The applicant is still to pass the HS&E assessment ({how}).", awaiting_pass=True
            )
        application.hse_result, application.hse_route = result, Route.VALID_RESULT
        application.save(update_fields=["hse_result", "hse_route", "updated_at"])
        application_event(application, what=f"HS&E pass {result.number} found on the ECS record; it is used.")
    problem = hse_problem(application=application, today=today)
    if problem:
        return _check("HS&E", False, problem)
    if application.hse_route == Route.EXEMPTION:
        evidence = application.documents.filter(kind=ApplicationDocument.Kind.HSE_EXEMPTION)
        accepted = all(d.is_verified for d in evidence)
        return _check(
            "HS&E",
            accepted,
            f"Exemption: {application.hse_exemption}; the evidence "
            f"{'is accepted' if accepted else 'needs checking by a person'}.",
        )
    return _check(
        "HS&E", True, f"Valid pass {application.hse_result.number}, until {application.hse_result.expires_on:%d/%m/%Y}."
    )


def _documents(application: CardApplication) -> dict:
    documents = list(application.documents.select_related("qualification_type", "awarding_body", "reference_type"))
    items = [
        {
            "id": d.pk,
            "label": str(d.qualification_type or d.reference_type or d.get_kind_display()),
            "status": d.get_status_display(),
            "ok": d.is_verified,
        }
        for d in documents
    ]
    waiting = [i for i in items if not i["ok"]]
    if waiting:
        summary = "Not verified: " + "; ".join(f"{i['label']} ({i['status'].lower()})" for i in waiting) + "."
        return _check("Documents", False, summary, items=items)
    summary = f"All {len(items)} document{'s' if len(items) != 1 else ''} verified." if items else "No documents."
    return _check("Documents", True, summary, items=items)


def _photo(application: CardApplication) -> dict:
    if not application.photo:
        return _check("Photo", False, "No photo.")
    if application.photo_problems:
        return _check("Photo", False, "The photo does not meet the guidance: " + " ".join(application.photo_problems))
    return _check("Photo", True, "The photo meets the guidance.")


def card_application_run_pre_checks(*, process, task) -> dict:
    """The automated pre-checks (a step on Prefect): awarding bodies asked again where their answer is missing,
    then eligibility, HS&E, documents and photo. Stores the findings on the application and returns the outcome:
    "passed", "awaiting_hse" (only the HS&E pass is missing: conditional hold) or "manual"."""
    application = process.application
    _mark_verifying(application)
    operative = application.operative
    for document in selectors.documents_to_recheck(application=application):  # may wait on the bodies: no lock
        _document_recheck(document, operative)
    today = date.today()
    with transaction.atomic():
        application = card_application_lock(application)
        checks = [_eligibility(application), _hse(application, today), _documents(application), _photo(application)]
        failed = [c for c in checks if not c["ok"]]
        if not failed:
            outcome = "passed"
        elif len(failed) == 1 and failed[0].get("awaiting_pass"):
            outcome = "awaiting_hse"
        else:
            outcome = "manual"
        application.pre_checks = {
            "checked_at": timezone.now().isoformat(timespec="seconds"),
            "outcome": outcome,
            "checks": checks,
        }
        application.save(update_fields=["pre_checks", "updated_at"])
        said = {
            "passed": "all passed",
            "awaiting_hse": "all passed but the HS&E assessment",
            "manual": "a case worker is needed (" + ", ".join(c["name"] for c in failed) + ")",
        }[outcome]
        application_event(application, what=f"Automated pre-checks: {said}.")
    return {"outcome": outcome}


def card_application_verify_automatically(*, application: CardApplication) -> CardApplication:
    with transaction.atomic():
        application = card_application_lock(application)
        application_event(
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
            application_event(
                application, what=f"Conditional hold: {HSE_HOLD_REASON}", to_status=Status.CONDITIONAL_HOLD
            )
        operative_id = application.operative_id
        transaction.on_commit(lambda: card_application_release_conditional_holds(operative_id=operative_id))
    return application


def card_application_release_conditional_holds(*, operative_id: int, actor: User | None = None) -> int:
    """Release every application of the operative on conditional hold, if they now hold a valid HS&E pass:
    the application takes that pass and goes through the pre-checks again. Returns how many were released."""
    result = selectors.best_hse_pass(operative_id=operative_id)
    if result is None:
        return 0
    flow = _flow()
    released = 0
    for pk in CardApplication.objects.filter(operative_id=operative_id, status=Status.CONDITIONAL_HOLD).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            application = CardApplication.objects.select_for_update().get(pk=pk)
            task = card_application_open_task(application=application, node=flow.conditional_hold)
            if application.status != Status.CONDITIONAL_HOLD or task is None:
                continue
            application.hse_result, application.hse_route, application.hold_reason = result, Route.VALID_RESULT, ""
            application.save(update_fields=["hse_result", "hse_route", "hold_reason", "updated_at"])
            application_event(
                application,
                actor=actor,
                to_status=Status.VERIFYING,
                what=f"HS&E pass {result.number} recorded: the conditional hold is released.",
            )
            flow.conditional_hold.run(task)
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
        raise ApplicationError("Choose a decision.")
    text = text.strip()
    if decision in ("hold", "reject") and not text:
        raise ApplicationError("Say what is missing." if decision == "hold" else "Say why the application is rejected.")
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
                raise ApplicationError(f"Say why “{document}” is not accepted.")
            document.status = DocStatus.ACCEPTED if choice == "accept" else DocStatus.REJECTED
            document.decided_by, document.decided_at, document.decision_note = actor, now, note.strip()
            document.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
            label = document.qualification_type or document.get_kind_display()
            said = "accepted" if choice == "accept" else "not accepted"
            application_event(
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
            hse_pending = application.hse_route == Route.WILL_SIT and not selectors.best_hse_pass(
                operative_id=application.operative_id
            )
            if hse_pending:
                application.hold_reason = HSE_HOLD_REASON
                application.save(update_fields=["hold_reason", "updated_at"])
                application_event(
                    application,
                    actor=actor,
                    to_status=Status.CONDITIONAL_HOLD,
                    what=f"Verified by a case worker; conditional hold: {HSE_HOLD_REASON}",
                )
            else:
                application_event(
                    application, actor=actor, what="Verified by a case worker.", to_status=Status.VERIFIED
                )
        elif decision == "hold":
            application.hold_reason = text
            application.save(update_fields=["hold_reason", "updated_at"])
            application_event(
                application, actor=actor, what=f"On hold; asked the employer for: {text}", to_status=Status.ON_HOLD
            )
        else:
            application.decision_reason, application.completed_at = text, now
            application.save(update_fields=["decision_reason", "completed_at", "updated_at"])
            application_event(application, actor=actor, what=f"Rejected: {text}", to_status=Status.REJECTED)
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
    """The employer answers an application on hold, with a note and/or a document: back to verifying."""
    answer = answer.strip()
    if not answer and upload is None:
        raise ApplicationError("Write an answer or upload a document (or both).")
    flow = _flow()
    with transaction.atomic():
        application = card_application_lock(application)
        task = card_application_open_task(application=application, node=flow.await_supply)
        if application.status != Status.ON_HOLD or task is None:
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
        application_event(
            application,
            actor=actor,
            to_status=Status.VERIFYING,
            what=f"The employer supplied what was asked for ({asked}): {'; '.join(parts)}.",
        )
        flow.await_supply.run(task)
    return application


# Team leader approval, the card prepared and dispatched


def card_application_approval_decide(
    *, application: CardApplication, actor: User, decision: str, text: str = ""
) -> CardApplication:
    """A team leader approves a verified application, or sends it back to verification saying why."""
    text = text.strip()
    if decision not in ("approve", "back"):
        raise ApplicationError("Choose a decision.")
    if decision == "back" and not text:
        raise ApplicationError("Say why the application goes back to verification.")
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status != Status.VERIFIED:
            raise ApplicationError(f"Application {application.reference} is not verified.")
        if decision == "approve":
            application_event(application, actor=actor, what="Approved by a team leader.", to_status=Status.APPROVED)
        else:
            application_event(
                application,
                actor=actor,
                to_status=Status.VERIFYING,
                what=f"Sent back to verification by a team leader: {text}",
            )
    return application


def _last_card_number() -> int | None:
    last = Card.objects.filter(
        number__gte=f"{CARD_NUMBER_FIRST:08d}", number__lte=f"{CARD_NUMBER_LAST:08d}", number__regex=r"^[0-9]{8}$"
    ).aggregate(last=Max("number"))["last"]
    return int(last) if last else None


def _card_create(**fields) -> Card:
    """A card with the next free number. Two at once may pick the same number: the unique index refuses the
    second, which takes the next one (its savepoint keeps the rest of the transaction)."""
    for _ in range(50):
        last = _last_card_number()
        number = CARD_NUMBER_FIRST if last is None else last + 1
        if number > CARD_NUMBER_LAST:
            raise ApplicationError("The card number range is used up.")
        try:
            with transaction.atomic():
                return Card.objects.create(number=f"{number:08d}", **fields)
        except IntegrityError:
            continue
    raise ApplicationError("No card number could be allocated; try again.")


def card_application_prepare(*, application: CardApplication, actor: User | None = None) -> CardApplication:
    """The card is prepared: a new card number, expiry from the card type's duration, the card written to the
    operative's record with the occupation and grade; Qualified Supervisor and Registered Electrician stamped.

    A renewal's card takes over the renewed card's remaining validity: it expires the card type's duration after
    the later of today and the renewed card's expiry. The renewed card is cancelled when the new one is sent."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.card_id is not None:
            return application
        if application.status != Status.APPROVED:
            raise ApplicationError(f"Application {application.reference} is not approved.")
        today = date.today()
        starts = today
        renewed = application.renews_card
        if renewed is not None and renewed.cancelled_at is None and renewed.expires_on > today:
            starts = renewed.expires_on
        card = _card_create(
            operative_id=application.operative_id,
            card_type=application.card_type,
            issued_on=today,
            expires_on=starts + relativedelta(months=application.card_type.duration_months),
            occupation=application.main_occupation,
            grade=application.grade,
        )
        application.card = card
        application.save(update_fields=["card", "updated_at"])
        operative = application.operative
        stamps = []
        if (
            application.qualified_supervisor
            and application.supervisor_endorsed_at
            and not operative.qualified_supervisor_since
        ):
            operative.qualified_supervisor_since = today
            stamps.append("qualified_supervisor_since")
        if application.registered_electrician and not operative.registered_electrician_since:
            operative.registered_electrician_since = today
            stamps.append("registered_electrician_since")
        if stamps:
            operative.save(update_fields=stamps)
        extra = {
            "qualified_supervisor_since": "; Qualified Supervisor recorded",
            "registered_electrician_since": "; ECS Registered Electrician recorded",
        }
        application_event(
            application,
            actor=actor,
            to_status=Status.PREPARED,
            what=f"Card {card.number} prepared, valid until {card.expires_on:%d/%m/%Y}"
            + "".join(extra[s] for s in stamps)
            + ".",
        )
    return application


def card_application_dispatch(*, application: CardApplication, actor: User, note: str = "") -> CardApplication:
    """The processing team sends the card: the application is complete (a renewed card is now replaced)."""
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status != Status.PREPARED or application.card_id is None:
            raise ApplicationError(f"Application {application.reference} has no prepared card to dispatch.")
        now = timezone.now()
        application.completed_at = now
        application.save(update_fields=["completed_at", "updated_at"])
        renewed = application.renews_card
        if renewed is not None and renewed.cancelled_at is None:
            renewed.cancelled_at = now
            renewed.save(update_fields=["cancelled_at"])
        to = application.business_email or "the employer's contact address"
        application_event(
            application,
            actor=actor,
            to_status=Status.DISPATCHED,
            what=f"Card {application.card.number} dispatched ({to})"
            + (f"; card {renewed.number} replaced" if renewed is not None else "")
            + (f": {note.strip()}" if note.strip() else "")
            + ".",
        )
    return application
