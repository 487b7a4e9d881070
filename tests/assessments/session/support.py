"""Bookings, questions and images for the tests of the delegate's session and the assessment-booking process.

A booking is made by the domain's booking service: `booking_created` starts the process, whose first step emails
the delegate their link."""

import io
import re

import cv2
import numpy as np
from django.core import mail
from PIL import Image

from portal.assessments import services
from portal.assessments.models import AssessmentType, Booking, Question
from tests.factories_assessments import give_credits
from tests.factories_registry import EmploymentFactory
from workflows.assessment_booking.demo import drawn_face

LINK = re.compile(r"/assessment/([A-Za-z0-9_-]{20,})/")


def assessment_type(code: str = "hse", *, questions: int = 6, **changes) -> AssessmentType:
    """The seeded type with a small paper of its own: `questions` questions, every correct answer "a" (the seeded
    bank is set aside)."""
    kind = AssessmentType.objects.get(code=code)
    for name, value in {"question_count": questions, **changes}.items():
        setattr(kind, name, value)
    kind.save()
    Question.objects.filter(assessment_type=kind).exclude(topic="Test paper").update(is_active=False)
    have = Question.objects.filter(assessment_type=kind, is_active=True).count()
    Question.objects.bulk_create(
        Question(
            assessment_type=kind,
            topic="Test paper",
            text=f"Question {n}: which is the safe way to work?",
            choice_a=f"The safe way {n}",
            choice_b="Carry on regardless",
            choice_c="Ask a colleague to hold it",
            choice_d="Work faster",
            correct="a",
        )
        for n in range(have, questions)
    )
    return kind


def make_booking(
    portal_user, *, code: str = "hse", mobile: str = "+447700900555", employment=None, **type_changes
) -> Booking:
    """One delegate booked through the domain's service (a credit given first)."""
    kind = assessment_type(code, **type_changes)
    employment = employment or EmploymentFactory(organisation=portal_user.organisation, office=portal_user.office)
    give_credits(portal_user.organisation, code)
    [booking] = services.booking_create(
        actor=portal_user.user,
        organisation=portal_user.organisation,
        assessment_type=kind,
        delegates=[
            services.Delegate(employment=employment, email=f"delegate{employment.pk}@example.co.uk", mobile=mobile)
        ],
        consent=True,
    )
    return booking


def link_token(booking: Booking) -> str:
    """The token of the newest link emailed to the delegate."""
    for message in reversed(mail.outbox):
        if booking.delegate_email in message.to:
            return LINK.search(message.body).group(1)
    raise AssertionError(f"No link was emailed for {booking.reference}")


def png(image: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(".png", image)
    assert ok
    return buffer.tobytes()


def face_png(faces: int = 1) -> bytes:
    return png(drawn_face(faces=faces))


def blank_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 160, 200)).save(buffer, "JPEG")
    return buffer.getvalue()
