"""Demo card applications of Brightwire Electrical Ltd, paid and at the JIB's stages. Idempotent.

- one in the verification queue (verification@jib.example): a certificate whose name does not match the record;
- one verified automatically, waiting for a team leader (teamleader@jib.example);
- one dispatched, with its card on the operative's record (the Completed list);
- one on conditional hold, waiting for an HS&E pass (record one in Django admin to release it);
- one waiting for the employer to endorse a change in grading (primary.user@brightwire.example).

The employer's steps are filled in through the model (as the wizard would leave them); everything after payment
goes through the services and the process, the pre-checks run here rather than on Prefect.
"""

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from portal.accounts.models import User
from portal.applications import services as application_services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.employees.models import Employment
from portal.orders.models import ApplicationType
from portal.organisations.models import Organisation
from portal.registry import services as registry_services
from portal.registry.models import CardType, Grade, Occupation, QualificationType
from portal.registry.selectors import valid_hse_pass
from workflows.card_application.flows import CardApplicationFlow
from workflows.card_application.selectors import open_task
from workflows.common import services as job_services

ORGANISATION = "Brightwire Electrical Ltd"
INSTALLER = ("2357-13", "AM2", "2382-22")
MARK = "Demo: "  # the first event of each demo application says it is one
Status = CardApplication.Status


def _png(size, colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _certificate(operative, code: str, *, name: str | None = None) -> bytes:
    """A City & Guilds certificate image as the sandbox renders them (low resolution: a demo)."""
    from sandboxes.certificates import as_bytes, render

    qualification = QualificationType.objects.get(code=code)
    first, _, last = (name or operative.full_name).partition(" ")
    record = {
        "awarding_body": "city-and-guilds",
        "certificate_number": f"CG9{operative.pk:05d}",
        "candidate_first_name": first,
        "candidate_last_name": last,
        "qualification_code": code,
        "qualification_title": qualification.title,
        "date_awarded": "2019-06-14",
    }
    return as_bytes(render(record, dpi=100), kind="jpeg", quality=70)


def _run_pre_checks(application: CardApplication) -> None:
    """Run the waiting pre-checks now (the later hand-over to Prefect then finds nothing to do)."""
    task = open_task(application=application, node=CardApplicationFlow.pre_checks)
    if task is not None and task.status in job_services.WAITING:
        job_services.job_run(ref=CardApplicationFlow.pre_checks.activation_class(task).ref())


def _application(primary, employment, what, *, grade=None, hse="valid", documents=INSTALLER, mismatch=None):
    card_type = CardType.objects.get(name="Craft or Related Disciplines")
    application = application_services.card_application_start(
        actor=primary.user, employment=employment, card_type=card_type, application_type=ApplicationType.INITIAL
    )
    application_services.card_application_record_event(application, actor=primary.user, what=f"{MARK}{what}")
    operative = employment.operative
    application.business_phone, application.business_email = "01612345678", f"cards{operative.pk}@brightwire.example"
    application.photo.save("photo", ContentFile(_png((630, 810), (236, 236, 236))), save=False)
    if hse == "valid":
        result = valid_hse_pass(operative_id=operative.pk)
        if result is None or result.expires_on < date.today() + timedelta(days=200):
            result = registry_services.hse_result_record(
                operative=operative, number=f"HSE8{operative.pk:06d}", taken_on=date.today() - timedelta(days=60),
                passed=True, score=46,
            )  # fmt: skip
        application.hse_route, application.hse_result = CardApplication.HseRoute.VALID_RESULT, result
    else:
        application.hse_route = CardApplication.HseRoute.WILL_SIT
        application.hse_sitting = CardApplication.HseSitting.REMOTE
    occupation = Occupation.objects.get(card_type=card_type, name="Installation Electrician")
    application.main_occupation = occupation
    application.grade = Grade.objects.get(occupation=occupation, name=grade) if grade else None
    application.status, application.step = Status.FINALISED, 4
    application.finalised_at, application.finalised_by = timezone.now(), primary.user
    application.save()
    for code in documents:
        qualification = QualificationType.objects.get(code=code)
        wrong = mismatch if code == "2357-13" else None
        document = ApplicationDocument(
            application=application, kind=ApplicationDocument.Kind.CERTIFICATE,
            entry=ApplicationDocument.Entry.AUTOMATIC, qualification_type=qualification,
            awarding_body=qualification.awarding_body, certificate_number=f"CG9{operative.pk:05d}",
            awarded_on=date(2019, 6, 14), uploaded_by=primary.user, content_type="image/jpeg",
        )  # fmt: skip
        reading = {
            "awarding_body": qualification.awarding_body.code,
            "candidate_name": wrong or operative.full_name,
            "qualification_code": code,
            "qualification_title": qualification.title,
            "certificate_number": document.certificate_number,
            "date_awarded": "2019-06-14",
        }
        document.reading = reading
        if wrong:
            document.status = ApplicationDocument.Status.NOT_MATCHED
            document.problems = {"candidate_name": f"“{wrong}” is not {operative.full_name}"}
            document.body_check = {"found": False, "checked_at": timezone.now().isoformat(timespec="seconds")}
        else:
            document.status = ApplicationDocument.Status.VERIFIED
            document.body_check = {"found": True, "valid": True, "qualification_code": code,
                                   "last_name": operative.last_name}  # fmt: skip
        document.file.save("certificate", ContentFile(_certificate(operative, code, name=wrong)), save=False)
        document.save()
    application_services.card_application_mark_ordered(application=application, actor=primary.user)
    application_services.card_application_payment_received(application=application)
    _run_pre_checks(application)
    application.refresh_from_db()
    return application


def _work(application, node, user, call) -> None:
    """Do a back-office task as `user` would: take it, call the service, finish it."""
    task = open_task(application=application, node=node)
    with CardApplicationFlow.lock(task.process_id):
        activation = node.activation_class(task)
        activation.assign(user)
        activation = node.activation_class(task)
        activation.start(None)
        call()
        activation.execute()


def load(*, stdout) -> None:
    organisation = Organisation.objects.filter(name=ORGANISATION).first()
    if organisation is None:
        return
    if CardApplication.objects.filter(organisation=organisation, events__what__startswith=MARK).exists():
        stdout.write("Demo card applications at the JIB already loaded.")
        return
    primary = organisation.portal_users.filter(is_primary_user=True).select_related("user").first()
    leader = User.objects.filter(email="teamleader@jib.example").first()
    processing = User.objects.filter(email="processing@jib.example").first()
    if primary is None or leader is None or processing is None:
        return
    craft = CardType.objects.get(name="Craft or Related Disciplines")
    employments = list(
        Employment.objects.filter(organisation=organisation, left_on__isnull=True)
        .exclude(operative__cards__card_type=craft)
        .exclude(operative__card_applications__isnull=False)
        .select_related("operative")
        .order_by("operative__last_name", "pk")[:4]
    )
    graded = (
        Employment.objects.filter(organisation=organisation, left_on__isnull=True, operative__cards__card_type=craft)
        .exclude(operative__card_applications__isnull=False)
        .select_related("operative")
        .order_by("operative__last_name", "pk")
        .first()
    )
    if len(employments) < 4 or graded is None:
        return
    queue, approval, dispatched, held = employments

    _application(primary, queue, "for the verification queue", grade="Electrician",
                 mismatch=f"{queue.operative.first_name} {queue.operative.last_name}e")  # fmt: skip
    _application(primary, approval, "verified, for team leader approval", grade="Electrician")
    done = _application(primary, dispatched, "dispatched", grade="Electrician")
    _work(done, CardApplicationFlow.approve, leader, lambda: application_services.card_application_approval_decide(
        application=done, actor=leader, decision="approve"))  # fmt: skip
    _work(done, CardApplicationFlow.dispatch, processing, lambda: application_services.card_application_dispatch(
        application=done, actor=processing, note="Royal Mail tracked 48"))  # fmt: skip
    _application(primary, held, "on conditional hold", grade="Electrician", hse="will_sit")
    _application(
        primary, graded, "waiting for the employer to endorse a change in grading", grade="Approved Electrician"
    )
    stdout.write("Demo card applications at the JIB's stages loaded.")
