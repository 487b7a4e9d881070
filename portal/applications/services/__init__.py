"""Every change to a card application, by concern:

- events: the refusal (ApplicationError), the row lock, the record of each change;
- wizard: the employer's start, steps 1, 3 and 4, unfinalise and withdraw;
- documents: step 2 (documents and HS&E) and the hand-over of a document to be read;
- reading: a document read and checked with its awarding body (the Prefect task's work);
- ordering: added to an order, released from it, paid;
- processing: endorsements, verifying, holds, the verification decision, what the employer supplies, approval;
- pre_checks: the automated pre-checks;
- cards: the card prepared and dispatched.

What the process must hear about is announced through portal.applications.signals.
"""

from portal.applications.services.cards import card_application_dispatch, card_application_prepare
from portal.applications.services.documents import (
    STALLED_AFTER,
    application_document_enter_certificate,
    application_document_enter_reference,
    application_document_for_manual_check,
    application_document_remove,
    application_document_submit,
    application_document_upload,
    application_documents_resubmit_stalled,
    application_documents_stalled,
    card_application_choose_hse,
    card_application_complete_step2,
)
from portal.applications.services.events import (
    ApplicationError,
    card_application_lock,
    card_application_record_event,
)
from portal.applications.services.ordering import (
    card_application_mark_ordered,
    card_application_payment_received,
    card_application_release_from_order,
)
from portal.applications.services.pre_checks import (
    card_application_findings,
    card_application_note_pre_checks,
    card_application_run_pre_checks,
    card_application_verify_automatically,
)
from portal.applications.services.processing import (
    HSE_HOLD_REASON,
    card_application_approval_decide,
    card_application_await_endorsement,
    card_application_endorse,
    card_application_hold_conditionally,
    card_application_release_conditional_holds,
    card_application_request_endorsements,
    card_application_start_verifying,
    card_application_supply,
    card_application_verification_decide,
)
from portal.applications.services.reading import (
    BodyVerdict,
    application_document_failure_reason,
    application_document_read,
    application_document_read_failed,
    certificate_body_verdict,
)
from portal.applications.services.wizard import (
    StartItem,
    card_application_finalise,
    card_application_save_applicant,
    card_application_save_occupations,
    card_application_start,
    card_application_unfinalise,
    card_application_withdraw,
    card_applications_start,
)

__all__ = [
    "HSE_HOLD_REASON",
    "STALLED_AFTER",
    "ApplicationError",
    "BodyVerdict",
    "StartItem",
    "application_document_enter_certificate",
    "application_document_enter_reference",
    "application_document_failure_reason",
    "application_document_for_manual_check",
    "application_document_read",
    "application_document_read_failed",
    "application_document_remove",
    "application_document_submit",
    "application_document_upload",
    "application_documents_resubmit_stalled",
    "application_documents_stalled",
    "card_application_approval_decide",
    "card_application_await_endorsement",
    "card_application_choose_hse",
    "card_application_complete_step2",
    "card_application_dispatch",
    "card_application_endorse",
    "card_application_finalise",
    "card_application_hold_conditionally",
    "card_application_lock",
    "card_application_mark_ordered",
    "card_application_payment_received",
    "card_application_prepare",
    "card_application_record_event",
    "card_application_release_conditional_holds",
    "card_application_release_from_order",
    "card_application_request_endorsements",
    "card_application_note_pre_checks",
    "card_application_findings",
    "card_application_run_pre_checks",
    "card_application_save_applicant",
    "card_application_save_occupations",
    "card_application_start",
    "card_application_start_verifying",
    "card_application_supply",
    "card_application_unfinalise",
    "card_application_verification_decide",
    "card_application_verify_automatically",
    "card_application_withdraw",
    "card_applications_start",
    "certificate_body_verdict",
]
