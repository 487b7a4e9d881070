"""Reads for the JIB's part of a card application: endorsements needed, the pre-check findings, the lists."""

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from portal.applications.models import ApplicationDocument, CardApplication
from portal.applications.selectors import applications_in_scope, awaiting_endorsements
from portal.organisations.models import PortalUser
from portal.registry.models import Card, HseResult

Status = CardApplication.Status
DocStatus = ApplicationDocument.Status

# Paid and in the JIB's hands, not yet finished (the "Applications Being Produced" list).
IN_PRODUCTION = (
    Status.RECEIVED,
    Status.AWAITING_ENDORSEMENT,
    Status.VERIFYING,
    Status.ON_HOLD,
    Status.CONDITIONAL_HOLD,
    Status.VERIFIED,
    Status.APPROVED,
    Status.PREPARED,
)
# Finished by the JIB: the card was sent, or the application was refused.
FINISHED = (Status.DISPATCHED, Status.REJECTED)
# Completed applications stay visible to the employer for three months (user guide, appendix).
COMPLETED_VISIBLE_FOR = timedelta(days=92)

# What the employer sees for each JIB stage, in MyECS's words.
STAGE_HINTS = {
    Status.RECEIVED: "Received by the JIB.",
    Status.AWAITING_ENDORSEMENT: "Waiting for your company to endorse it.",
    Status.VERIFYING: "The JIB is checking the qualifications, HS&E and documents.",
    Status.ON_HOLD: "On hold: the JIB needs something from you.",
    Status.CONDITIONAL_HOLD: "Conditional hold: waiting for an HS&E assessment pass.",
    Status.VERIFIED: "Verified: waiting for a team leader's approval.",
    Status.APPROVED: "Approved: the card is being prepared.",
    Status.PREPARED: "Card printed: waiting to be dispatched.",
    Status.DISPATCHED: "Card dispatched.",
    Status.REJECTED: "Rejected by the JIB.",
}


def reference_card(*, application: CardApplication) -> Card | None:
    """The card a change in grading is measured against: the card being renewed, else the operative's newest
    card of the same card type that has not been cancelled (expired ones count: they show the grade last held)."""
    if application.renews_card_id:
        return application.renews_card
    return (
        Card.objects.filter(
            operative_id=application.operative_id, card_type_id=application.card_type_id, cancelled_at__isnull=True
        )
        .order_by("-expires_on", "-pk")
        .first()
    )


def needs_grading_endorsement(*, application: CardApplication) -> bool:
    """A change in grading: the application names a grade, and the operative holds (or held) a card of this card
    type whose recorded grade is a different one, or none (a card issued before grades were recorded).
    A first card of a type needs no endorsement: its grade rests on the qualifications the JIB verifies."""
    if application.grade_id is None:
        return False
    card = reference_card(application=application)
    return card is not None and card.grade_id != application.grade_id


def needs_supervisor_endorsement(*, application: CardApplication) -> bool:
    """Qualified Supervisor status is asked for (the employer vouches for it, the JIB checks it)."""
    return bool(application.qualified_supervisor)


def endorsement_awaited(*, application: CardApplication, which: str) -> bool:
    """Whether the application's process waits for the employer's endorsement `which` (grading|supervisor)."""
    from viewflow.workflow.status import STATUS

    from workflows.card_application.flows import CardApplicationFlow

    node = {"grading": CardApplicationFlow.endorse_grading, "supervisor": CardApplicationFlow.endorse_supervisor}[which]
    return CardApplicationFlow.task_class.objects.filter(
        process__artifact_object_id=application.pk, process__flow_class=CardApplicationFlow, flow_task=node,
        status=STATUS.NEW,
    ).exists()  # fmt: skip


def best_hse_pass(*, operative_id: int, today: date | None = None) -> HseResult | None:
    """The operative's valid HS&E pass that lasts longest, if any."""
    today = today or date.today()
    return (
        HseResult.objects.filter(operative_id=operative_id, passed=True, expires_on__gte=today)
        .order_by("-expires_on", "-pk")
        .first()
    )


def documents_to_recheck(*, application: CardApplication) -> list[ApplicationDocument]:
    """Certificates with enough details to ask the awarding body, whose answer is missing (the body could not be
    reached when they were entered), and that the JIB has not already decided."""
    return list(
        application.documents.filter(
            kind=ApplicationDocument.Kind.CERTIFICATE,
            awarding_body__isnull=False,
            status__in=(DocStatus.MANUAL_CHECK, DocStatus.NOT_MATCHED, DocStatus.READING, DocStatus.VERIFIED),
        )
        .exclude(certificate_number="")
        .select_related("awarding_body", "qualification_type")
        .filter(body_check={})
    )


def _list_base(portal_user: PortalUser) -> QuerySet:
    return applications_in_scope(portal_user).select_related(
        "operative", "card_type", "office", "main_occupation", "grade", "card"
    )


def applications_being_produced(portal_user: PortalUser) -> QuerySet:
    """Paid applications the JIB has in hand, in the user's scope, oldest payment first; each says whether it
    waits for the employer's grading or Qualified Supervisor endorsement (annotations, no query per row)."""
    return (
        _list_base(portal_user)
        .filter(paid_at__isnull=False, status__in=IN_PRODUCTION)
        .annotate(**awaiting_endorsements())
        .order_by("paid_at", "pk")
    )


def applications_completed(portal_user: PortalUser, *, now=None) -> QuerySet:
    """Applications finished in the last three months (dispatched, or rejected), newest first."""
    since = (now or timezone.now()) - COMPLETED_VISIBLE_FOR
    return _list_base(portal_user).filter(status__in=FINISHED, completed_at__gte=since).order_by("-completed_at", "-pk")
