"""Orders: the lists, adding finalised applications to an order, paying (card, funds, BACS), receipts, and the
Stripe webhook. Views validate and call portal.orders.services; every read goes through access.py."""

import logging

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.confirm import Confirmation, confirmation_page
from portal.core.middleware import permissions_policy
from portal.core.pagination import page_of
from portal.integrations import stripe_payments
from portal.integrations.errors import ExternalServiceRejected, ExternalServiceUnavailable
from portal.orders import selectors, services
from portal.orders.forms import AddApplicationsForm, AdvanceOrderForm, OrderDetailsForm, PayForm, TestCardForm
from portal.orders.models import FundsLedgerEntry, Order, Payment
from portal.orders.receipts import funds_receipt_number, funds_receipt_pdf, receipt_pdf
from portal.organisations.access import (
    CHANGE_ORDERS,
    access,
    access_office,
    holds,
    offices_in_scope,
    portal_user_of,
    require_flag,
)
from portal.organisations.permissions import Flag

log = logging.getLogger(__name__)
PAGE_SIZE = 50


def _order(request, pk: int, *, flag: Flag) -> Order:
    portal_user = portal_user_of(request)
    return access(selectors.order_detail_queryset(), portal_user, flag=flag, pk=pk)


def _applications_url() -> str:
    try:
        return reverse("applications:attention")
    except NoReverseMatch:
        return reverse("orders:attention")


# --- Lists --------------------------------------------------------------------------------------------------------


def attention(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.VIEW_PURCHASES)
    orders = selectors.orders_requiring_attention(portal_user, totals=False)
    page = page_of(orders, request, per_page=PAGE_SIZE, rows=selectors.orders_with_totals)
    return render(request, "orders/attention.html", {"page": page, "tab": "attention"})


def fulfilled(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.VIEW_PURCHASES)
    orders = selectors.orders_being_fulfilled(portal_user, totals=False)
    page = page_of(orders, request, per_page=PAGE_SIZE, rows=selectors.orders_with_totals)
    return render(request, "orders/fulfilled.html", {"page": page, "tab": "fulfilled"})


def history(request):
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.VIEW_PURCHASES)
    payments = Paginator(selectors.payments_in_scope(portal_user), PAGE_SIZE).get_page(request.GET.get("page"))
    movements = Paginator(selectors.funds_movements(portal_user.organisation), PAGE_SIZE).get_page(
        request.GET.get("funds_page")
    )
    balance = selectors.funds_balance(organisation=portal_user.organisation)
    return render(
        request,
        "orders/history.html",
        {"payments": payments, "movements": movements, "balance": balance, "tab": "history"},
    )


def receipt(request, pk: int):
    portal_user = portal_user_of(request)
    payment = access(
        Payment.objects.select_related("order__organisation", "order__billing_office", "order__office"),
        portal_user,
        flag=Flag.VIEW_PURCHASES,
        office_field="order__office",
        organisation_field="order__organisation",
        pk=pk,
    )
    response = HttpResponse(receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response


def funds_receipt(request, pk: int):
    """The receipt for money received into the funds on account (a BACS credit), as a PDF."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.VIEW_PURCHASES)  # the funds are the organisation's, as on the history page
    entry = get_object_or_404(
        FundsLedgerEntry.objects.select_related("account__organisation").filter(
            kind=FundsLedgerEntry.Kind.BACS_ALLOCATION,
            amount_pence__gt=0,
            account__organisation_id=portal_user.organisation_id,
        ),
        pk=pk,
    )
    response = HttpResponse(funds_receipt_pdf(entry=entry), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{funds_receipt_number(entry)}.pdf"'
    return response


def detail(request, pk: int):
    order = _order(request, pk, flag=Flag.VIEW_PURCHASES)
    if request.GET.get("format") == "status":
        return JsonResponse({"status": order.status})
    portal_user = request.portal_user
    lines = list(selectors.order_lines(order))
    totals = selectors.order_totals(order=order)
    payment = Payment.objects.filter(order=order).first()
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": lines,
            "totals": totals,
            "payment": payment,
            "can_pay": order.is_payable and holds(portal_user, Flag.COMPLETE_PURCHASES),
            "can_change": order.is_unpaid and holds(portal_user, CHANGE_ORDERS),
            "card_pending": bool(order.payment_intent_id) and order.is_unpaid,
        },
    )


# --- Creating orders and adding applications ----------------------------------------------------------------------


def _chosen_ids(request) -> list[int]:
    ids = request.POST.getlist("application") if request.method == "POST" else request.GET.getlist("application")
    try:
        return [int(i) for i in ids]
    except ValueError:
        raise Http404 from None


def add_applications(request):
    """ADD APPLICATIONS TO A PURCHASE: the ticked finalised applications into an open order or a new one."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, CHANGE_ORDERS)
    can_create = holds(portal_user, Flag.CREATE_PURCHASES)
    can_add = holds(portal_user, Flag.ADD_TO_PURCHASES)
    chosen = selectors.applications_to_order(portal_user, ids=_chosen_ids(request))
    if chosen is None:
        raise Http404  # another organisation's, or outside the user's offices: not revealed
    open_orders = list(selectors.open_card_orders(portal_user)) if can_add else []
    form = AddApplicationsForm(
        request.POST if request.method == "POST" else None,
        offices=offices_in_scope(portal_user),
        office_id=portal_user.office_id,
        has_applications=bool(chosen.waiting),
        has_open_orders=bool(open_orders),
    )
    if request.method == "POST" and form.is_valid():
        order, new_order = None, None
        if form.wants_new_order:
            require_flag(portal_user, Flag.CREATE_PURCHASES)
            new_order = dict(form.details.cleaned_data)
            for name in ("office", "billing_office", "deliver_to"):
                new_order[name] = access_office(portal_user, office_id=new_order[name].pk, flag=None)
        else:
            order = access(Order.objects.all(), portal_user, flag=Flag.ADD_TO_PURCHASES, pk=form.cleaned_data["order"])
        try:
            order = services.order_place_applications(
                actor=request.user, organisation=portal_user.organisation, applications=chosen.waiting,
                order=order, new_order=new_order, close=form.closes,
            )  # fmt: skip
        except services.OrderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{chosen.count} application{'s' if chosen.count != 1 else ''} added to order {order.your_reference}.",
            )
            if form.cleaned_data["action"] == "pay_now":
                return redirect("orders:pay", pk=order.pk)
            return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "orders/add_applications.html",
        {
            "applications": chosen.waiting,
            "not_waiting": chosen.not_waiting,
            "open_orders": open_orders,
            "details": form.details,
            "chosen": form.chosen,
            "can_create": can_create,
            "can_add": can_add,
            "error": form.error,
            "cancel_url": _applications_url(),
        },
    )


def new_order(request):
    """Create a New Empty Order: made ahead of applications, added to later."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.CREATE_PURCHASES)
    offices = offices_in_scope(portal_user)
    form = OrderDetailsForm(
        request.POST or None,
        offices=offices,
        initial={"office": portal_user.office_id, "billing_office": portal_user.office_id,
                 "deliver_to": portal_user.office_id},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for name in ("office", "billing_office", "deliver_to"):
            data[name] = access_office(portal_user, office_id=data[name].pk, flag=None)
        order = services.order_create(actor=request.user, organisation=portal_user.organisation, **data)
        messages.success(request, f"Order {order.your_reference} created. Add finalised applications to it.")
        return redirect("orders:detail", pk=order.pk)
    return render(request, "orders/new_order.html", {"form": form, "tab": "new"})


def new_advance_order(request):
    """Create New Advance Order: credits of £250 for the funds held on account."""
    portal_user = portal_user_of(request)
    require_flag(portal_user, Flag.CREATE_PURCHASES)
    form = AdvanceOrderForm(
        request.POST or None,
        offices=offices_in_scope(portal_user),
        initial={"office": portal_user.office_id, "billing_office": portal_user.office_id, "credits": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_create_advance(
                actor=request.user,
                organisation=portal_user.organisation,
                credits=data["credits"],
                your_reference=data["your_reference"],
                office=access_office(portal_user, office_id=data["office"].pk, flag=None),
                billing_office=access_office(portal_user, office_id=data["billing_office"].pk, flag=None),
                accounts_contact=data["accounts_contact"],
            )
        except services.OrderError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Advance order {order.your_reference} created.")
            if holds(portal_user, Flag.COMPLETE_PURCHASES):
                return redirect("orders:pay", pk=order.pk)
            return redirect("orders:detail", pk=order.pk)
    return render(
        request, "orders/new_advance_order.html", {"form": form, "tab": "advance", "credit": services.CREDIT_PENCE}
    )


def _change_order(request, pk: int) -> Order:
    require_flag(portal_user_of(request), CHANGE_ORDERS)
    return _order(request, pk, flag=Flag.VIEW_PURCHASES)


@require_POST
def close(request, pk: int):
    order = _change_order(request, pk)
    try:
        services.order_close(order=order, actor=request.user)
    except services.OrderError as exc:
        messages.error(request, str(exc))
        return redirect("orders:detail", pk=pk)
    if request.POST.get("then") == "pay" and holds(request.portal_user, Flag.COMPLETE_PURCHASES):
        return redirect("orders:pay", pk=pk)
    messages.success(request, f"Order {order.your_reference} is closed and awaits payment.")
    return redirect("orders:detail", pk=pk)


@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    order = _change_order(request, pk)
    if request.method == "GET":
        lines = order.lines.all()  # prefetched: the live lines
        return confirmation_page(
            request,
            Confirmation(
                title=f"Cancel order {order.your_reference}?",
                consequences=[
                    "The order is cancelled and cannot be paid."
                    + (f" Its {len(lines)} applications go back" if len(lines) > 1 else " Its application goes back")
                    + " to Finalised Applications - Awaiting Ordering, to be added to another order."
                    if lines
                    else "The order is cancelled and cannot be paid.",
                    "A card payment started for it and not yet taken is cancelled too.",
                ],
                warning="A cancelled order cannot be opened again.",
                button="Cancel the order",
                cancel_url=reverse("orders:detail", args=[order.pk]),
            ),
        )
    try:
        services.order_cancel(order=order, actor=request.user)
        messages.success(request, f"Order {order.your_reference} is cancelled; its applications await ordering again.")
    except services.OrderError as exc:
        messages.error(request, str(exc))
    except ExternalServiceUnavailable:
        messages.error(request, "The card payment service is not answering: try again in a few minutes.")
    return redirect("orders:detail", pk=pk)


# --- Paying -----------------------------------------------------------------------------------------------------


def pay(request, pk: int):
    """Confirm Pay For Order <ref>?: by card, from funds held on account, or by BACS (£250 or more)."""
    order = _order(request, pk, flag=Flag.COMPLETE_PURCHASES)
    portal_user = request.portal_user
    if not order.is_payable:
        messages.error(request, f"Order {order.your_reference} is {order.get_status_display().lower()}.")
        return redirect("orders:detail", pk=pk)
    totals = selectors.order_totals(order=order)
    methods = selectors.payment_methods_for(order=order, portal_user=portal_user)
    form = PayForm(request.POST or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        method = Order.Method(form.cleaned_data["method"])
        try:
            if method == Order.Method.CARD:
                return redirect("orders:pay_card", pk=pk)
            if method == Order.Method.FUNDS:
                payment = services.order_pay_from_funds(order=order, portal_user=portal_user)
                messages.success(
                    request,
                    f"Order {order.your_reference} is paid from funds held on account ({payment.receipt_number}).",
                )
                return redirect("orders:detail", pk=pk)
            services.order_mark_for_bacs(order=order, portal_user=portal_user)
            return redirect("orders:detail", pk=pk)
        except services.OrderError as exc:
            form.add_error(exc.field or "method", str(exc))
        except services.InsufficientFunds as exc:
            form.add_error("method", str(exc))
    return render(
        request,
        "orders/pay.html",
        {"order": order, "totals": totals, "form": form, "methods": methods, "lines": selectors.order_lines(order)},
    )


@csp_update(stripe_payments.PAYMENT_ELEMENT_CSP)
@permissions_policy(payment=stripe_payments.PAYMENT_ELEMENT_ALLOWLIST)
def pay_card(request, pk: int):
    """The card payment page: Stripe's payment element in production; the test-card page in the sandbox.

    Opening the page creates nothing at Stripe: the order's intent is made (or reused) when the payer posts."""
    order = _order(request, pk, flag=Flag.COMPLETE_PURCHASES)
    if not order.is_payable:
        messages.error(request, f"Order {order.your_reference} is {order.get_status_display().lower()}.")
        return redirect("orders:detail", pk=pk)
    totals = selectors.order_totals(order=order)
    sandbox = stripe_payments.sandbox_in_use()
    form = TestCardForm(request.POST or None) if sandbox else None
    error = ""
    intent = None
    try:
        if request.method == "POST" and sandbox:
            if form.is_valid():
                data = form.cleaned_data
                try:
                    intent = services.order_pay_with_test_card(
                        order=order, portal_user=request.portal_user, number=data["number"],
                        exp_month=data["exp_month"], exp_year=data["exp_year"], cvc=data["cvc"],
                    )  # fmt: skip
                except stripe_payments.CardDeclined as exc:
                    form.add_error("number", f"{exc} Nothing was taken: try another card or another way to pay.")
                else:
                    messages.success(
                        request,
                        "Thank you: your card payment was taken. The order shows as paid as soon as the payment "
                        "service confirms it.",
                    )
                    return redirect("orders:detail", pk=pk)
        elif request.method == "POST":
            intent = services.order_card_payment_start(order=order, portal_user=request.portal_user)
            if intent.status in ("succeeded", "processing"):
                messages.success(request, "Your card payment was taken; the order shows as paid once it is confirmed.")
                return redirect("orders:detail", pk=pk)
    except services.OrderError as exc:
        messages.error(request, str(exc))
        return redirect("orders:detail", pk=pk)
    except (ExternalServiceUnavailable, ExternalServiceRejected) as exc:
        log.warning("Card payment for order %s: %s", order.reference, exc)
        error = "The card payment service is not available at the moment. Nothing was taken: try again shortly."
    return render(
        request,
        "orders/pay_card.html",
        {
            "order": order,
            "totals": totals,
            "sandbox": sandbox,
            "form": form,
            "error": error,
            "client_secret": intent.client_secret if (intent and not sandbox) else "",
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "return_url": request.build_absolute_uri(reverse("orders:detail", args=[pk])),
        },
    )


# --- Stripe's webhook ------------------------------------------------------------------------------------------


@csrf_exempt
@login_not_required
@require_POST
def stripe_webhook(request):
    """Signed events from Stripe. Each event is stored once (its id is unique) and applied once.

    A payment_intent.succeeded whose order is not yet visible (the transaction that created the intent has not
    committed) is stored and answered 503: Stripe delivers it again, and the order's commit applies it anyway."""
    try:
        event = stripe_payments.webhook_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except stripe_payments.InvalidWebhook as exc:
        return HttpResponseBadRequest(str(exc))
    stored = services.stripe_event_receive(event=event)
    if stored.processed_at is None:
        return JsonResponse({"received": True, "applied": False, "detail": "The order is not ready yet."}, status=503)
    return JsonResponse({"received": True, "applied": True, "outcome": stored.outcome})
