"""Demo assessment bookings in their process, and the JIB's invigilator. Idempotent.

Runs after portal.assessments.demo, which leaves Brightwire's bookings at every stage through the domain's
services: here each booking's process is brought to the same step (no second email is sent), so that the
invigilator (invigilation@jib.example) finds the sittings awaiting review in the back-office queue. One more
HS&E delegate takes a whole session through the session's services (photographs of a drawn face, answers, an
attention prompt clicked, a reload), and waits for the invigilator too.
"""

import cv2
import numpy as np
from django.contrib.auth.models import Group

from portal.accounts import services as account_services
from portal.accounts.models import JibTeam, User
from portal.assessments import services as domain
from portal.assessments import sitting_services as services
from portal.assessments.models import AssessmentType, Booking, Question
from portal.employees.models import Employment
from portal.organisations.demo import ACCOUNTS, DEMO_PASSWORD
from portal.organisations.models import Organisation
from workflows.assessment_booking.flows import AssessmentBookingFlow as Flow
from workflows.assessment_booking.selectors import booking_process, open_task
from workflows.common import services as job_services

ORGANISATION = "Brightwire Electrical Ltd"
INVIGILATOR = ("invigilation@jib.example", "Ivy", "Irons", "+447700900107")
ACCOUNT = (INVIGILATOR[0], "JIB Invigilation: reviews assessment sittings (webcam, ID and record photographs)")
Status = Booking.Status


def drawn_face(*, faces: int = 1, size=(640, 480)) -> np.ndarray:
    """A greyscale drawing of `faces` faces side by side that OpenCV's frontal-face cascade finds (the demo has
    no camera; the tests use it too)."""
    width, height = size
    image = np.full((height, width), 200, np.uint8)
    step = width // faces
    scale = min(1.0, step / 320)

    def s(v):
        return int(v * scale) or 1

    for i in range(faces):
        cx, cy = int(step * i + step / 2), height // 2
        cv2.ellipse(image, (cx, cy), (s(110), s(145)), 0, 0, 360, 170, -1)
        cv2.ellipse(image, (cx, cy - s(150)), (s(120), s(60)), 0, 180, 360, 40, -1)
        for dx in (-45, 45):
            cv2.ellipse(image, (cx + s(dx), cy - s(55)), (s(30), s(8)), 0, 0, 360, 60, -1)
            cv2.ellipse(image, (cx + s(dx), cy - s(25)), (s(22), s(12)), 0, 0, 360, 50, -1)
        cv2.line(image, (cx, cy - s(20)), (cx - s(8), cy + s(35)), 120, s(4))
        cv2.ellipse(image, (cx, cy + s(35)), (s(20), s(8)), 0, 0, 360, 130, -1)
        cv2.ellipse(image, (cx, cy + s(75)), (s(40), s(10)), 0, 0, 360, 80, -1)
    return cv2.GaussianBlur(image, (9, 9), 0)


def face_png(faces: int = 1) -> bytes:
    ok, buffer = cv2.imencode(".png", drawn_face(faces=faces))
    assert ok
    return buffer.tobytes()


def load(*, stdout) -> None:
    invigilator = _invigilator()
    organisation = Organisation.objects.filter(name=ORGANISATION).first()
    if organisation is None:
        return
    bookings = Booking.objects.filter(organisation=organisation).select_related("assessment_type")
    for booking in bookings:
        _align(booking, invigilator)
    if not bookings.filter(sitting__webcam_photo__gt="").exists():
        booking = _full_session(organisation)
        if booking is not None:
            stdout.write(f"Demo: {booking.reference} awaits the invigilator's review (invigilation@jib.example).")


def _invigilator() -> User:
    email, first, last, mobile = INVIGILATOR
    Group.objects.get_or_create(name=JibTeam.INVIGILATION)
    user = User.objects.filter(email=email).first() or account_services.jib_staff_create(
        email=email, first_name=first, last_name=last, mobile=mobile, teams=[JibTeam.INVIGILATION],
        password=DEMO_PASSWORD,
    )  # fmt: skip
    if ACCOUNT not in ACCOUNTS:
        ACCOUNTS.insert(len(ACCOUNTS) - 1, ACCOUNT)  # printed by load_demo with the others
    return user


def _complete_job(booking: Booking, node) -> None:
    """Finish an automated step now: its work when it has some left to do, or as done (the invitation was sent)."""
    task = open_task(booking=booking, node=node)
    if task is None:
        return
    ref = node.activation_class(task).ref()
    if node is Flow.invite:
        job_services.job_complete(ref=ref, result={"invited": "demo"})
    else:
        job_services.job_run(ref=ref)


def _complete_wait(booking: Booking, node) -> None:
    task = open_task(booking=booking, node=node)
    if task is not None:
        node.run(task)


def _review(booking: Booking, invigilator: User) -> None:
    """The review the demo loader already decided on the domain side, completed as the invigilator."""
    task = open_task(booking=booking, node=Flow.review)
    if task is None:
        return
    with Flow.lock(task.process_id):
        task.refresh_from_db()
        activation = Flow.review.activation_class(task)
        activation.assign(invigilator)
        activation = Flow.review.activation_class(task)
        activation.start(None)
        activation.execute()


def _align(booking: Booking, invigilator: User) -> None:
    """Bring the booking's process to the step its status says (the demo moved the booking, not the process)."""
    process = booking_process(booking=booking)
    if process is None or booking.status in (Status.BOOKED, Status.CANCELLED, Status.EXPIRED):
        return  # booked: the outbox's invitation job runs it; cancelled or expired: the receivers ended it
    _complete_job(booking, Flow.invite)
    if booking.status == Status.INVITED:
        return
    _complete_wait(booking, Flow.await_delegate)
    if booking.status == Status.IN_PROGRESS:
        return
    _complete_wait(booking, Flow.await_session)
    _complete_job(booking, Flow.marking)
    if booking.status in (Status.PASSED, Status.FAILED, Status.VOIDED):
        _review(booking, invigilator)
        _complete_job(booking, Flow.record)


def _full_session(organisation: Organisation) -> Booking | None:
    """One HS&E delegate books, is invited, and takes the whole session through the services."""
    hse = AssessmentType.objects.get(code="hse")
    actor = User.objects.filter(email="primary.user@brightwire.example").first()
    employment = (
        Employment.objects.filter(organisation=organisation, left_on__isnull=True)
        .exclude(operative__assessment_bookings__assessment_type=hse)
        .select_related("operative")
        .order_by("operative__last_name", "pk")
        .first()
    )
    if actor is None or employment is None:
        return None
    try:
        [booking] = domain.booking_create(
            actor=actor, organisation=organisation, assessment_type=hse, consent=True,
            delegates=[domain.Delegate(employment=employment, email="delegate.demo@delegates.example",
                                       mobile="+447700900778")],
        )  # fmt: skip
    except domain.AssessmentError:
        return None  # no credit left
    task = open_task(booking=booking, node=Flow.invite)
    token = services.booking_invitation_send(booking=booking)
    job_services.job_complete(ref=Flow.invite.activation_class(task).ref(), result={"invited": True})
    sitting = services.sitting_open(token=token)
    services.sitting_photo_save(sitting=sitting, kind="webcam", data=face_png())
    services.sitting_photo_save(sitting=sitting, kind="id", data=face_png(), id_document="driving_licence")
    services.sitting_start(sitting=sitting, details_confirmed=True, terms_accepted=True)
    sitting, claim = services.sitting_claim(sitting=sitting)
    correct = dict(Question.objects.filter(pk__in=sitting.paper).values_list("pk", "correct"))
    for position, pk in enumerate(sitting.paper, start=1):
        choice = correct[pk] if position % 7 else "abcd"[("abcd".index(correct[pk]) + 1) % 4]
        sitting = services.sitting_answer(sitting=sitting, claim=claim, position=position, choice=choice)
    sitting, claim = services.sitting_claim(sitting=sitting)  # a reload, logged as resumed
    services.sitting_submit(sitting=sitting, claim=claim)
    _complete_job(booking, Flow.marking)
    return booking
