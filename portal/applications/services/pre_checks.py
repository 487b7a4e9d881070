"""The automated pre-checks of a paid card application (a step run on Prefect): the awarding bodies asked again
where their answer is missing, then eligibility, HS&E, documents and photo."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.applications import selectors
from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.services.events import card_application_lock, card_application_record_event
from portal.applications.services.reading import certificate_body_verdict
from portal.registry.selectors import occupations_offered, valid_hse_pass

DocStatus = ApplicationDocument.Status
Route = CardApplication.HseRoute
Outcome = CardApplication.PreCheckOutcome
Status = CardApplication.Status


def _mark_verifying(application: CardApplication) -> None:
    with transaction.atomic():
        application = card_application_lock(application)
        if application.status == Status.RECEIVED:
            card_application_record_event(
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
    held = selectors.held_qualification_type_ids(application=application, verified_only=True)
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
        result = valid_hse_pass(operative_id=application.operative_id, today=today)
        if result is None:
            how = application.get_hse_sitting_display() or "how is not said"
            return _check(
                "HS&E", False, f"The applicant is still to pass the HS&E assessment ({how}).", awaiting_pass=True
            )
        application.hse_result, application.hse_route = result, Route.VALID_RESULT
        application.save(update_fields=["hse_result", "hse_route", "updated_at"])
        card_application_record_event(
            application, what=f"HS&E pass {result.number} found on the ECS record; it is used."
        )
    problem = selectors.hse_problem(application=application, today=today)
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


def card_application_run_pre_checks(*, application: CardApplication) -> "CardApplication.PreCheckOutcome":
    """Run the pre-checks, store the findings on the application and return the outcome: PASSED, AWAITING_HSE
    (only the HS&E pass is missing: conditional hold) or MANUAL (a case worker is needed)."""
    application = CardApplication.objects.select_related("operative", "card_type").get(pk=application.pk)
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
            outcome = Outcome.PASSED
        elif len(failed) == 1 and failed[0].get("awaiting_pass"):
            outcome = Outcome.AWAITING_HSE
        else:
            outcome = Outcome.MANUAL
        application.pre_checks = {
            "checked_at": timezone.now().isoformat(timespec="seconds"),
            "outcome": outcome.value,
            "checks": checks,
        }
        application.save(update_fields=["pre_checks", "updated_at"])
        said = {
            Outcome.PASSED: "all passed",
            Outcome.AWAITING_HSE: "all passed but the HS&E assessment",
            Outcome.MANUAL: "a case worker is needed (" + ", ".join(c["name"] for c in failed) + ")",
        }[outcome]
        card_application_record_event(application, what=f"Automated pre-checks: {said}.")
    return outcome


def card_application_verify_automatically(*, application: CardApplication) -> CardApplication:
    with transaction.atomic():
        application = card_application_lock(application)
        card_application_record_event(
            application, what="Verified automatically: every pre-check passed.", to_status=Status.VERIFIED
        )
    return application


# What the employer reads while the automated pre-checks wait for the JIB (they failed after their retries): kept
# in the findings as `progress` until the pre-checks run to the end (which replaces the findings).
PRE_CHECK_PROGRESS = {
    "delayed": "Our automatic checks could not finish: a service we check with did not answer. The JIB is looking "
    "into it. You do not need to do anything.",
    "retrying": "We are running our automatic checks again. You do not need to do anything.",
    "by_hand": "We are checking this by hand. You do not need to do anything; we will tell you if we need more.",
}


def card_application_note_pre_checks(*, application: CardApplication, progress: str) -> CardApplication:
    """Record where the interrupted pre-checks stand ("delayed", "retrying" or "by_hand"), for the employer's page
    and the history."""
    said = PRE_CHECK_PROGRESS[progress]
    with transaction.atomic():
        application = card_application_lock(application)
        application.pre_checks = {**(application.pre_checks or {}), "progress": progress, "progress_text": said}
        application.save(update_fields=["pre_checks", "updated_at"])
        card_application_record_event(application, what=said)
    return application


def card_application_findings(*, application: CardApplication) -> list[dict]:
    """The pre-checks' findings as they stand now, for the case pages (reads only): eligibility, documents and photo
    found again from the application as it is (a verifier may have accepted documents since the pre-checks ran); the
    HS&E finding as the pre-checks found it, with `as_of` the time they ran. Empty before the pre-checks ran."""
    ran = (application.pre_checks or {}).get("checks") or []
    if not ran:
        return []
    checked_at = parse_datetime(application.pre_checks.get("checked_at") or "")
    now = {"Eligibility": _eligibility, "Documents": _documents, "Photo": _photo}
    findings = []
    for check in ran:
        again = now.get(check.get("name"))
        findings.append({**again(application), "as_of": None} if again else {**check, "as_of": checked_at})
    return findings
