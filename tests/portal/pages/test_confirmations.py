"""Destructive actions ask first: the page the button opens says what will happen and changes nothing; only the
POST of its own button acts."""

import re

import pytest

from portal.applications.models import ApplicationDocument, CardApplication
from portal.orders.models import Order
from portal.organisations import services as org_services
from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag
from tests.conftest import sign_in
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_orders import make_order
from tests.stripe_fixtures import finalised_application

pytestmark = pytest.mark.django_db
Status = CardApplication.Status


def confirm_form(page: str) -> str:
    """The confirmation page's form: it posts back to the page's own address."""
    form = re.search(r'<form method="post" novalidate>.*?</form>', page, re.S)
    assert form, "no confirmation form"
    return form.group(0)


def test_close_office_asks_then_closes(portal_client, primary_user):
    organisation = primary_user.organisation
    office = org_services.office_create(
        organisation=organisation, parent=organisation.head_office, name="Cardiff", kind="office"
    )
    groups = portal_client.get("/portal/organisation/groups/").text
    url = f"/portal/organisation/groups/{office.pk}/close/"
    assert f'href="{url}"' in groups
    page = portal_client.get(url).text
    assert '<h1 class="govuk-heading-l">Close Cardiff?</h1>' in page
    assert "A closed office cannot be opened again." in page and "Close the office" in confirm_form(page)
    office.refresh_from_db()
    assert office.closed_at is None  # asking changes nothing
    portal_client.post(url)
    office.refresh_from_db()
    assert office.closed_at is not None


def test_remove_user_asks_then_removes(portal_client, primary_user):
    clerk = PortalUserFactory(organisation=primary_user.organisation, flags=[Flag.VIEW_EMPLOYEES],
                              user__first_name="Clara", user__last_name="Clerk")  # fmt: skip
    url = f"/portal/organisation/users/{clerk.pk}/remove/"
    assert f'href="{url}"' in portal_client.get("/portal/organisation/users/").text
    page = portal_client.get(url).text
    assert "Remove Clara Clerk?" in page and "will no longer be able to sign in" in page
    assert PortalUser.objects.get(pk=clerk.pk).removed_at is None
    portal_client.post(url)
    assert PortalUser.objects.get(pk=clerk.pk).removed_at is not None


def test_cancel_order_asks_then_cancels(portal_client, primary_user):
    order = make_order(primary_user, [finalised_application(portal_user=primary_user)])
    url = f"/portal/orders/{order.pk}/cancel/"
    assert f'href="{url}"' in portal_client.get(f"/portal/orders/{order.pk}/").text
    page = portal_client.get(url).text
    assert "Cancel order PO-1?" in page and "Its application goes back to Finalised Applications" in page
    assert Order.objects.get(pk=order.pk).status == Order.Status.AWAITING_PAYMENT
    portal_client.post(url)
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_unfinalise_lists_the_ticked_applications_then_unfinalises(portal_client, primary_user):
    first, second = (finalised_application(portal_user=primary_user) for _ in range(2))
    attention = portal_client.get("/portal/applications/").text
    assert '<form method="get" action="/portal/applications/unfinalise/"' in attention
    page = portal_client.get(f"/portal/applications/unfinalise/?application={first.pk}&application={second.pk}").text
    assert "Unfinalise 2 applications?" in page
    form = confirm_form(page)
    assert f'name="application" value="{first.pk}"' in form and f'name="application" value="{second.pk}"' in form
    assert first.reference in page and second.reference in page
    assert CardApplication.objects.get(pk=first.pk).status == Status.FINALISED
    portal_client.post("/portal/applications/unfinalise/", {"application": [first.pk]})
    assert CardApplication.objects.get(pk=first.pk).status == Status.IN_PROGRESS
    assert CardApplication.objects.get(pk=second.pk).status == Status.FINALISED


def test_withdraw_asks_then_withdraws(portal_client, primary_user):
    application = start_application(portal_user=primary_user)
    url = f"/portal/applications/{application.pk}/withdraw/"
    assert f'href="{url}"' in portal_client.get(f"/portal/applications/{application.pk}/").text
    page = portal_client.get(url).text
    assert f"Withdraw application {application.reference}?" in page and "Withdraw the application" in page
    assert CardApplication.objects.get(pk=application.pk).status == Status.IN_PROGRESS
    portal_client.post(url)
    assert CardApplication.objects.get(pk=application.pk).status == Status.WITHDRAWN


def test_remove_document_asks_then_removes(portal_client, primary_user):
    application = start_application(portal_user=primary_user)
    document = ApplicationDocument.objects.create(
        application=application, entry=ApplicationDocument.Entry.MANUAL, status=ApplicationDocument.Status.MANUAL_CHECK,
        uploaded_by=primary_user.user,
    )  # fmt: skip
    url = f"/portal/applications/{application.pk}/documents/{document.pk}/remove/"
    page = portal_client.get(url).text
    assert "Remove this document?" in page and f"removed from application {application.reference}" in page
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()
    portal_client.post(url)
    assert not ApplicationDocument.objects.filter(pk=document.pk).exists()


def test_the_confirmation_pages_need_the_flag(client, primary_user):
    application = start_application(portal_user=primary_user)
    viewer = PortalUserFactory(organisation=primary_user.organisation, flags=[Flag.VIEW_APPLICATIONS])
    sign_in(client, viewer.user)
    assert client.get(f"/portal/applications/{application.pk}/withdraw/").status_code == 403
    assert client.get(f"/portal/applications/unfinalise/?application={application.pk}").status_code == 403
    client.logout()
    stranger = PortalUserFactory(all_flags=True)
    sign_in(client, stranger.user)
    assert client.get(f"/portal/organisation/users/{primary_user.pk}/remove/").status_code == 404
