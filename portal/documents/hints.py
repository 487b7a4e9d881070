"""What the OCR is told before reading a certificate: the operative's record and the reference data."""

from datetime import date

from portal.documents.ocr import BodyHint, QualificationHint, ReadingHints
from portal.registry.models import AwardingBody, QualificationType


def reading_hints(*, first_name: str = "", last_name: str = "", date_of_birth: date | None = None) -> ReadingHints:
    """The active awarding bodies (their names and number shapes) and the recognised qualifications catalogue."""
    bodies = tuple(
        BodyHint(body.code, (body.name, *body.printed_names.split("\n")) if body.printed_names else (body.name,),
                 body.number_pattern, body.asks_learner_reference)
        for body in AwardingBody.objects.filter(is_active=True).order_by("code")
    )  # fmt: skip
    qualifications = tuple(
        QualificationHint(q.awarding_body.code, q.code, q.title)
        for q in QualificationType.objects.filter(awarding_body__is_active=True).select_related("awarding_body")
    )
    return ReadingHints(first_name, last_name, date_of_birth, bodies, qualifications)
