"""The automated work of the assessment-booking process, as the Job node calls it (`(*, process, task) -> dict`).
Each calls one domain service; a failure is retried by Prefect, then waits as an incident (workflows.incidents)
until a person runs it again or sends it to the step's .OnError task."""

from portal.assessments import services, sitting_services


def send_invitation(*, process, task) -> dict:
    """Email and SMS the delegate their single-use link."""
    sitting_services.booking_invitation_send(booking=process.booking)
    return {"invited": True}


def mark_sitting(*, process, task) -> dict:
    """Mark the submitted sitting against the type's pass mark."""
    sitting = sitting_services.sitting_mark(sitting=process.booking.sitting)
    return {"score": sitting.score, "score_percent": sitting.score_percent, "passed": sitting.passed}


def record_result(*, process, task) -> dict:
    """Put the confirmed result on the delegate's ECS record (the domain's result service)."""
    result = services.assessment_result_record(booking=process.booking)
    return {"number": result.number, "passed": result.passed}
