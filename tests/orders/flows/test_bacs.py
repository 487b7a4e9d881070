"""BACS: a bank statement matched by ECS reference (exact, over- and under-paid, unmatched lines), the finance
team's allocation task in the back office, statement upload, and the Prefect flow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal.accounts import services as account_services
from portal.applications.models import CardApplication
from portal.orders import selectors, services
from portal.orders.models import BankTransfer, FundsLedgerEntry, Order, Payment
from tests.conftest import sign_in
from tests.factories_orders import make_order
from tests.stripe_fixtures import finalised_application
from workflows.bacs_allocation.flows import BacsAllocationFlow

pytestmark = pytest.mark.django_db
BASE = "/backoffice/workflow/flows/bacsallocation"


def advance(primary_user, credits=1) -> Order:
    order = services.order_create_advance(
        actor=primary_user.user, organisation=primary_user.organisation, credits=credits, your_reference="123456",
        office=primary_user.office, billing_office=primary_user.office, accounts_contact="World Services",
    )  # fmt: skip
    return services.order_mark_for_bacs(order=order, portal_user=primary_user)


def card_order(primary_user, n=9) -> Order:
    """Nine member-priced craft cards: £270.00."""
    order = make_order(primary_user, [finalised_application(portal_user=primary_user) for _ in range(n)])
    return services.order_mark_for_bacs(order=order, portal_user=primary_user)


def statement(*lines) -> str:
    return "Date,Description,Amount\n" + "\n".join(lines) + "\n"


def open_tasks():
    return Task.objects.filter(flow_task=BacsAllocationFlow.allocate, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def finance_client(client):
    staff = account_services.jib_staff_create(
        email="fin@jib.example", first_name="Fay", last_name="Finch", mobile="+447700123888",
        teams=["finance"], password="correct horse battery",
    )  # fmt: skip
    return sign_in(client, staff)


def test_matched_unmatched_over_and_under_paid_lines(primary_user):
    exact = advance(primary_user)
    cards = card_order(primary_user)
    over = advance(primary_user)
    under = advance(primary_user, credits=2)
    content = statement(
        f"23/11/2026,BGC BRIGHTWIRE {exact.reference},250.00",
        f"23/11/2026,FASTER PMT {cards.reference.lower()} CARDS,270.00",
        f"23/11/2026,BGC BRIGHTWIRE ECS {over.reference[3:]},300.00",
        f"24/11/2026,BGC {under.reference},400.00",
        "24/11/2026,BGC NO REFERENCE AT ALL,99.99",
        "24/11/2026,DD ELECTRICITY,-120.00",
    )
    imported = services.bank_statement_import(content=content, name="statement-2026-11-24.csv")
    assert imported.lines_read == 5  # the debit is not a transfer received
    by_order = {t.order_id: t for t in BankTransfer.objects.all()}
    assert by_order[exact.pk].status == BankTransfer.Status.MATCHED
    assert by_order[cards.pk].status == BankTransfer.Status.MATCHED
    assert (by_order[over.pk].status, by_order[over.pk].difference_pence) == (BankTransfer.Status.OVERPAID, 5_000)
    assert (by_order[under.pk].status, by_order[under.pk].difference_pence) == (BankTransfer.Status.UNDERPAID, -10_000)
    assert by_order[None].status == BankTransfer.Status.UNMATCHED and by_order[None].amount_pence == 9_999
    for order, status in ((exact, "paid"), (cards, "paid"), (over, "awaiting_bacs"), (under, "awaiting_bacs")):
        order.refresh_from_db()
        assert order.status == status
    # An advance order paid by BACS credits the funds; a card order's applications start their JIB part.
    entry = FundsLedgerEntry.objects.get()
    assert (entry.kind, entry.reference, entry.amount_pence) == ("bacs_allocation", exact.reference, 25_000)
    assert CardApplication.objects.filter(status=CardApplication.Status.RECEIVED).count() == 9
    assert {p.method for p in Payment.objects.all()} == {"bacs"}
    # Over, under and unmatched: one allocation task each for the finance team.
    assert open_tasks().count() == 3
    # The same statement imported again records nothing twice.
    services.bank_statement_import(content=content, name="again.csv")
    assert BankTransfer.objects.count() == 5 and open_tasks().count() == 3 and Payment.objects.count() == 2


def test_two_identical_lines_are_two_transfers():
    content = statement("23/11/2026,CASH DEPOSIT,10.00", "23/11/2026,CASH DEPOSIT,10.00")
    services.bank_statement_import(content=content, name="s.csv")
    assert BankTransfer.objects.count() == 2


def test_a_statement_that_cannot_be_read_says_where():
    with pytest.raises(services.StatementError, match="columns Date, Description and Amount"):
        services.bank_statement_import(content="When,What\n1,2\n", name="bad.csv")
    with pytest.raises(services.StatementError, match="Line 2: “twelve” is not an amount"):
        services.bank_statement_import(content=statement("23/11/2026,X,twelve"), name="bad.csv")
    assert not BankTransfer.objects.exists()


def test_finance_allocates_an_overpayment_in_the_back_office(client, primary_user):
    over = advance(primary_user)
    services.bank_statement_import(content=statement(f"23/11/2026,BGC {over.reference},300.00"), name="s.csv")
    task = open_tasks().get()
    finance_client(client)
    assert over.reference in client.get("/backoffice/workflow/queue/").text
    base = f"{BASE}/{task.process_id}/allocate/{task.pk}"
    assert client.post(f"{base}/assign/").status_code == 302
    page = client.get(f"{base}/execute/")
    assert page.status_code == 200 and "£300.00" in page.text and "£50.00" in page.text and "overpaid" in page.text
    # The organisation of the order quoted is chosen already; its orders waiting for payment are offered.
    assert f'id="payer">{primary_user.organisation.name}' in page.text and over.reference in page.text
    organisation = primary_user.organisation.pk
    bad = client.post(f"{base}/execute/", {"decision": "allocate", "organisation": organisation, "note": ""})
    assert bad.status_code == 200 and bad.context["form"].errors == {"order": ["Choose the order the transfer pays."]}
    response = client.post(f"{base}/execute/", {"decision": "allocate", "organisation": organisation, "order": over.pk})
    assert response.status_code == 302
    over.refresh_from_db()
    assert over.status == Order.Status.PAID
    assert selectors.funds_balance(organisation=primary_user.organisation) == 30_000  # £250 credit + £50 excess
    transfer = BankTransfer.objects.get()
    assert transfer.status == BankTransfer.Status.ALLOCATED and transfer.decided_by.email == "fin@jib.example"
    assert not open_tasks().exists()


def test_an_underpayment_needs_a_reason_and_unmatched_can_be_credited_or_returned(client, primary_user):
    under = card_order(primary_user)
    services.bank_statement_import(
        content=statement(f"23/11/2026,BGC {under.reference},260.00", "23/11/2026,BRIGHTWIRE ELEC,500.00",
                          "23/11/2026,UNKNOWN PAYER,12.00"),
        name="s.csv",
    )  # fmt: skip
    finance = account_services.jib_staff_create(
        email="fin2@jib.example", first_name="Fin", last_name="Ance", mobile="+447700123777", teams=["finance"],
        password="correct horse battery",
    )  # fmt: skip
    short, unmatched, unknown = BankTransfer.objects.order_by("pk")
    with pytest.raises(services.OrderError, match="Say why the shortfall is accepted."):
        services.bank_transfer_allocate(
            transfer=short, actor=finance, decision=BankTransfer.Decision.ALLOCATE, order_reference=under.reference
        )
    services.bank_transfer_allocate(
        transfer=short,
        actor=finance,
        decision=BankTransfer.Decision.ALLOCATE,
        order_reference=under.reference,
        note="£10 bank charge accepted",
    )
    under.refresh_from_db()
    assert under.status == Order.Status.PAID
    services.bank_transfer_allocate(
        transfer=unmatched, actor=finance, decision=BankTransfer.Decision.CREDIT, order_reference=under.reference
    )
    assert selectors.funds_balance(organisation=primary_user.organisation) == 50_000
    with pytest.raises(services.OrderError, match="Say why"):
        services.bank_transfer_allocate(transfer=unknown, actor=finance, decision=BankTransfer.Decision.RETURN)
    services.bank_transfer_allocate(
        transfer=unknown, actor=finance, decision=BankTransfer.Decision.RETURN, note="Not ours"
    )
    with pytest.raises(services.OrderError, match="already been dealt with"):
        services.bank_transfer_allocate(
            transfer=unknown, actor=finance, decision=BankTransfer.Decision.RETURN, note="again"
        )


def test_finance_uploads_a_statement_and_others_cannot(client, primary_user):
    exact = advance(primary_user)
    content = statement(f"23/11/2026,BGC {exact.reference},250.00").encode()
    portal = sign_in(client, primary_user.user)
    assert portal.get(f"{BASE}/import_statement/").status_code == 403
    client.logout()
    finance_client(client)
    response = client.post(
        f"{BASE}/import_statement/", {"statement": SimpleUploadedFile("nov.csv", content, content_type="text/csv")}
    )
    assert response.status_code == 302
    exact.refresh_from_db()
    assert exact.status == Order.Status.PAID
    summary = client.get(response.url)  # what the import did
    assert "nov.csv" in summary.text and 'id="statement-summary"' in summary.text and "£250.00" in summary.text
    response = client.post(
        f"{BASE}/import_statement/", {"statement": SimpleUploadedFile("x.csv", b"nothing,useful\n1,2\n")}
    )
    assert response.status_code == 200 and "columns Date, Description and Amount" in response.text


@pytest.mark.prefect
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_prefect_flow_imports_a_file(prefect_server, primary_user, tmp_path):
    from tasks.payments import import_bank_statement

    exact = advance(primary_user)
    path = tmp_path / "statement.csv"
    path.write_text(statement(f"23/11/2026,BGC {exact.reference},250.00", "23/11/2026,SOMEONE,5.00"))
    counts = import_bank_statement(path=str(path))
    assert counts["lines"] == 2 and counts["matched"] == 1 and counts["unmatched"] == 1
    exact.refresh_from_db()
    assert exact.status == Order.Status.PAID


def test_the_allocation_form_shows_the_services_message_beside_the_field(client, primary_user):
    services.bank_statement_import(content=statement("23/11/2026,BGC NO REFERENCE,99.00"), name="s.csv")
    task = open_tasks().get()
    finance_client(client)
    base = f"{BASE}/{task.process_id}/allocate/{task.pk}"
    client.post(f"{base}/assign/")
    organisation = primary_user.organisation.pk
    for data, errors in (
        ({"decision": "return", "note": " "}, {"note": ["Say why the transfer is not allocated."]}),
        ({"decision": "credit"}, {"__all__": ["Find and choose the organisation that paid, above."]}),
        ({"decision": "allocate", "organisation": organisation}, {"order": ["Choose the order the transfer pays."]}),
    ):
        response = client.post(f"{base}/execute/", data)
        assert response.status_code == 200 and response.context["form"].errors == errors
    assert BankTransfer.objects.get().status == BankTransfer.Status.UNMATCHED and open_tasks().exists()


def test_the_import_announces_each_unsettled_transfer_inside_its_transaction(primary_user):
    """bank_transfer_needs_allocation is sent once per transfer left to a person, inside the import: a receiver
    that fails undoes the whole import."""
    from portal.orders.signals import bank_transfer_needs_allocation

    exact = advance(primary_user)
    heard = []

    def listen(sender, *, transfer, **kwargs):
        heard.append(transfer.description)

    bank_transfer_needs_allocation.connect(listen, dispatch_uid="test-listen")
    try:
        services.bank_statement_import(
            content=statement(f"23/11/2026,BGC {exact.reference},250.00", "23/11/2026,BGC UNKNOWN,10.00"), name="a"
        )
    finally:
        bank_transfer_needs_allocation.disconnect(dispatch_uid="test-listen")
    assert heard == ["BGC UNKNOWN"] and open_tasks().count() == 1

    def fail(sender, **kwargs):
        raise RuntimeError("the process could not start")

    bank_transfer_needs_allocation.connect(fail, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError):
            services.bank_statement_import(content=statement("24/11/2026,BGC ANOTHER,20.00"), name="b")
    finally:
        bank_transfer_needs_allocation.disconnect(dispatch_uid="test-fail")
    assert not BankTransfer.objects.filter(description="BGC ANOTHER").exists() and open_tasks().count() == 1


def test_finance_finds_the_payer_by_name_or_number(client, primary_user):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(name="Brightwire Installations Ltd", jib_membership_number="J123456")
    order = advance(primary_user)
    services.bank_statement_import(content=statement("23/11/2026,BGC FROM A CUSTOMER,250.00"), name="s.csv")
    task = open_tasks().get()
    finance_client(client)
    base = f"{BASE}/{task.process_id}/allocate/{task.pk}"
    client.post(f"{base}/assign/")
    page = client.get(f"{base}/execute/")
    assert 'id="payer"' not in page.text and "Find the organisation" in page.text
    assert "Brightwire" in client.get(f"{base}/execute/?q=brightwire installations").text
    assert "Brightwire" in client.get(f"{base}/execute/?q=j123456").text
    by_order = client.get(f"{base}/execute/?q={order.reference}").text
    assert primary_user.organisation.name in by_order and "Brightwire" not in by_order
    assert "No organisation matches" in client.get(f"{base}/execute/?q=nobody at all").text
    chosen = client.get(f"{base}/execute/?organisation={primary_user.organisation.pk}")
    assert order.reference in chosen.text and "£250.00" in chosen.text
    empty = client.get(f"{base}/execute/?organisation={other.pk}")
    assert "has no order waiting for payment" in empty.text
    response = client.post(
        f"{base}/execute/?organisation={primary_user.organisation.pk}",
        {"decision": "allocate", "organisation": primary_user.organisation.pk, "order": order.pk},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_the_import_shows_what_it_did(client, primary_user):
    exact, over = advance(primary_user), advance(primary_user)
    content = statement(
        f"23/11/2026,BGC {exact.reference},250.00",
        f"23/11/2026,BGC {over.reference},300.00",
        "23/11/2026,BGC NOBODY,12.00",
    )
    first = services.bank_statement_import(content=content, name="first.csv")
    summary = selectors.bank_statement_summary(statement=first)
    assert (summary.lines, summary.paid, summary.overpaid, summary.underpaid, summary.unmatched) == (3, 1, 1, 0, 1)
    assert (summary.duplicates, summary.paid_pence, summary.for_finance_pence) == (0, 25_000, 31_200)
    again = services.bank_statement_import(content=content, name="again.csv")
    assert selectors.bank_statement_summary(statement=again).duplicates == 3
    finance_client(client)
    page = client.get(f"/backoffice/finance/statements/{first.pk}/")
    assert page.status_code == 200 and "£250.00" in page.text and "Duplicates skipped" in page.text
    listing = client.get("/backoffice/finance/")
    assert "first.csv" in listing.text and "again.csv" in listing.text


def test_the_finance_pages_are_for_the_finance_team(client, primary_user):
    first = services.bank_statement_import(content=statement("23/11/2026,BGC NOBODY,12.00"), name="s.csv")
    staff = account_services.jib_staff_create(
        email="ver@jib.example", first_name="Vera", last_name="Verifier", mobile="+447700900777",
        teams=["verification"], password="correct horse battery",
    )  # fmt: skip
    sign_in(client, staff)
    assert client.get("/backoffice/finance/").status_code == 403
    assert client.get(f"/backoffice/finance/statements/{first.pk}/").status_code == 403
    employer = sign_in(Client(), primary_user.user)
    assert employer.get("/backoffice/finance/").status_code == 403


def test_the_employer_gets_a_receipt_for_a_bacs_credit(client, primary_user, django_capture_on_commit_callbacks):
    from portal.notifications.models import Notification

    services.bank_statement_import(content=statement("23/11/2026,BGC SPARKS LTD,120.00"), name="s.csv")
    transfer = BankTransfer.objects.get()
    finance = account_services.jib_staff_create(
        email="fin2@jib.example", first_name="Fin", last_name="Ance", mobile="+447700900778",
        teams=["finance"], password="correct horse battery",
    )  # fmt: skip
    services.bank_transfer_allocate(
        transfer=transfer,
        actor=finance,
        decision=BankTransfer.Decision.CREDIT,
        organisation=primary_user.organisation,
    )
    entry = FundsLedgerEntry.objects.get(kind=FundsLedgerEntry.Kind.BACS_ALLOCATION)
    assert entry.amount_pence == 12_000
    notification = Notification.objects.get(recipient=primary_user.user)
    assert notification.subject == "Payment received: £120.00 added to your funds on account"
    assert f"/portal/orders/receipts/funds/{entry.pk}/" in notification.body_text
    sign_in(client, primary_user.user)
    receipt = client.get(f"/portal/orders/receipts/funds/{entry.pk}/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert f"/portal/orders/receipts/funds/{entry.pk}/" in client.get("/portal/orders/financial-history/").text
    # Another organisation's user cannot open it.
    from tests.factories import OrganisationFactory, PortalUserFactory

    stranger = PortalUserFactory(organisation=OrganisationFactory(), all_flags=True)
    assert sign_in(Client(), stranger.user).get(f"/portal/orders/receipts/funds/{entry.pk}/").status_code == 404
