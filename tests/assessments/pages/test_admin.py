"""The Django admin: the catalogue and question bank editable; credits corrected only through the service."""

import pytest

from portal.accounts.models import User
from portal.assessments import selectors
from portal.assessments.models import CreditLedgerEntry
from tests.conftest import sign_in
from tests.factories_assessments import assessment_type, give_credits

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("asm.admin@example.co.uk", "correct horse battery", first_name="A",
                                          last_name="Admin", mobile="+447700900998")  # fmt: skip
    return sign_in(client, admin)


def test_types_and_questions_are_listed(admin_client):
    assert "HS&amp;E Assessment" in admin_client.get("/admin/assessments/assessmenttype/").text
    page = admin_client.get(f"/admin/assessments/question/?assessment_type__id__exact={assessment_type().pk}")
    assert page.status_code == 200 and "72 questions" in page.text


def test_a_correction_goes_through_the_rules(admin_client, organisation):
    give_credits(organisation, "fire", 2)
    url = "/admin/assessments/creditledgerentry/add/"
    data = {"organisation": organisation.pk, "assessment_type": assessment_type("fire").pk, "change": -3, "note": ""}
    page = admin_client.post(url, data).text
    assert "holds only 2 credits" in page and "Say why the credits are corrected." in page
    response = admin_client.post(url, {**data, "change": -1, "note": "Booked in error by the JIB"})
    assert response.status_code == 302
    entry = CreditLedgerEntry.objects.get(change=-1)
    assert entry.reason == CreditLedgerEntry.Reason.CORRECTION and entry.actor.email == "asm.admin@example.co.uk"
    assert selectors.credit_balance(organisation=organisation, assessment_type=assessment_type("fire")) == 1
