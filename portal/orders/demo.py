"""Demo orders for Brightwire: an advance payment credit on account, a paid card order, an advance order awaiting
BACS allocation (with a bank statement under var/ for the finance team to import), and two finalised
applications awaiting ordering. Idempotent."""

from django.conf import settings
from django.utils import timezone

from portal.accounts.models import User
from portal.applications.models import CardApplication
from portal.applications.services import card_application_start
from portal.employees.models import Employment
from portal.orders import services
from portal.orders.models import ApplicationType, Order
from portal.organisations.models import Organisation
from portal.registry.models import CardType

ADVANCE_REFERENCE = "Advance credits Q4"


def _finalised(*, actor: User, employment: Employment, card_type: CardType) -> CardApplication:
    application = card_application_start(
        actor=actor, employment=employment, card_type=card_type, application_type=ApplicationType.INITIAL
    )
    application.business_phone = "0161 234 5678"
    application.business_email = "cards@brightwire.example"
    application.hse_route = CardApplication.HseRoute.WILL_SIT
    application.hse_sitting = CardApplication.HseSitting.REMOTE
    application.main_occupation = card_type.occupations.filter(can_be_main=True).first()
    application.step = 4
    application.finalised_at = timezone.now()
    application.finalised_by = actor
    application.status = CardApplication.Status.FINALISED
    application.save()
    return application


def load(*, stdout) -> None:
    organisation = Organisation.objects.filter(name="Brightwire Electrical Ltd").first()
    actor = User.objects.filter(email="primary.user@brightwire.example").first()
    if organisation is None or actor is None or Order.objects.filter(your_reference=ADVANCE_REFERENCE).exists():
        return
    head = organisation.head_office
    card_type = CardType.objects.get(name="Craft or Related Disciplines")
    employments = list(
        Employment.objects.filter(organisation=organisation, left_on__isnull=True)
        .exclude(card_applications__isnull=False)
        .select_related("office")[:4]
    )
    office_fields = {"office": head, "billing_office": head, "accounts_contact": "Accounts Payable"}

    # An advance payment on account: two credits, paid by card.
    advance = services.order_create_advance(
        actor=actor, organisation=organisation, credits=2, your_reference=ADVANCE_REFERENCE, **office_fields
    )
    services.order_mark_paid(
        order=advance, method=Order.Method.CARD, amount_pence=50_000, source_reference="demo", actor=actor
    )

    # A card order paid from those funds: its applications have reached the JIB (Received).
    if len(employments) >= 4:
        applications = [_finalised(actor=actor, employment=e, card_type=card_type) for e in employments[:2]]
        paid = services.order_place_applications(
            actor=actor, organisation=organisation, applications=applications, order=None, close=True,
            new_order={"your_reference": "Initial Applications October", "deliver_to": head,
                       "delivery_attention": "Site Office", **office_fields},
        )  # fmt: skip
        services.order_pay_from_funds(order=paid, portal_user=actor.portal_user)
        # Two more finalised applications await ordering (Applications Requiring Attention).
        for employment in employments[2:4]:
            _finalised(actor=actor, employment=employment, card_type=card_type)

    # An advance order marked for BACS, and the bank statement that will show the transfer.
    bacs = services.order_create_advance(
        actor=actor, organisation=organisation, credits=1, your_reference="Advance by BACS", **office_fields
    )
    services.order_mark_for_bacs(order=bacs, portal_user=actor.portal_user)
    path = settings.VAR_DIR / "demo_bank_statement.csv"
    today = timezone.localdate().strftime("%d/%m/%Y")
    path.write_text(
        "Date,Description,Amount\n"
        f"{today},BGC BRIGHTWIRE ELECTRICAL {bacs.reference},250.00\n"
        f"{today},BGC SPARKS LTD NO REF,180.00\n"
        f"{today},DD BUSINESS RATES,-410.00\n"
    )
    stdout.write(f"Orders: advance credit, a paid order, {bacs.reference} awaiting BACS (statement: {path}).")
