"""Reads shared by the application's steps, its lists and the JIB's checks."""

from datetime import date

from portal.applications.models import ApplicationDocument, CardApplication

DocStatus = ApplicationDocument.Status
# Documents whose qualification counts for offering occupations: verified, or left for the JIB to check by hand.
CLAIMED = (DocStatus.VERIFIED, DocStatus.MANUAL_CHECK, DocStatus.ACCEPTED)


def held_qualification_type_ids(*, application: CardApplication, verified_only: bool = False) -> set[int]:
    """The recognised qualifications the application's documents show (verified ones only, if asked)."""
    statuses = (DocStatus.VERIFIED, DocStatus.ACCEPTED) if verified_only else CLAIMED
    return set(
        application.documents.filter(status__in=statuses, qualification_type__isnull=False).values_list(
            "qualification_type_id", flat=True
        )
    )


def hse_problem(*, application: CardApplication, today: date | None = None) -> str:
    """Why the HS&E part of step 2 is not complete ("" when it is)."""
    today = today or date.today()
    route = application.hse_route
    Route = CardApplication.HseRoute
    if not route:
        return "Say how the applicant meets the HS&E requirement."
    if route == Route.VALID_RESULT:
        result = application.hse_result
        if result is None or not result.is_valid_on(today):
            return "The applicant has no valid HS&E assessment on their ECS record."
    if route == Route.EXEMPTION:
        if application.hse_exemption_id is None:
            return "Choose the HS&E exemption."
        if not application.documents.filter(kind=ApplicationDocument.Kind.HSE_EXEMPTION).exists():
            return "Upload the evidence of the HS&E exemption."
    if route == Route.WILL_SIT and not application.hse_sitting:
        return "Say how the applicant will sit the HS&E assessment."
    return ""


def valid_hse_result(*, operative_id: int, today: date | None = None):
    """The operative's newest HS&E pass still valid `today` (None when there is none)."""
    from portal.registry.models import HseResult

    today = today or date.today()
    return (
        HseResult.objects.filter(operative_id=operative_id, passed=True, expires_on__gte=today)
        .order_by("-expires_on", "-pk")
        .first()
    )


def application_documents(*, application: CardApplication):
    """The application's documents with what they name, in the order they were added (one query)."""
    return application.documents.select_related(
        "awarding_body", "reference_type", "qualification_type__awarding_body"
    ).order_by("uploaded_at", "pk")
