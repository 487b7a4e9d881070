"""The long tables' rows (Jinja2 row templates, portal/core/rows.py) on every kind of row: each value escaped, each
flag's cell and link drawn. With ROWS_DUMP=<folder> the six pages are also written there, whitespace normalised, to
compare two versions of the code's HTML (run on each, then diff the folders)."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import factory.random
import pytest
from django.utils import timezone

from portal.applications.models import CardApplication
from tests.factories_applications import start_application
from tests.factories_registry import CardFactory, EmploymentFactory, OperativeFactory
from tests.portal.pages.test_lists_at_scale import copies

Status = CardApplication.Status
PAGES = {
    "employees": "/portal/employees/",
    "expiring": "/portal/employees/cards/expiring/",
    "expired": "/portal/employees/cards/expired/",
    "attention": "/portal/applications/",
    "produced": "/portal/applications/produced/",
    "completed": "/portal/applications/completed/",
}


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    html = re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))
    return html.replace("><", ">\n<")


@pytest.mark.django_db
def test_rows_of_every_kind_escaped_and_drawn(portal_client, primary_user):
    factory.random.reseed_random(17)  # the same names on each version of the code
    today, now = date.today(), timezone.now()
    organisation = primary_user.organisation
    for i, (first, last) in enumerate([("Seán", "O'Brien"), ("<b>Amy</b>", "Smith & Sons"), ("Zoë", 'Quote"d')]):
        operative = OperativeFactory(first_name=first, last_name=last, ni_number=f"AB12345{i}C")
        EmploymentFactory(organisation=organisation, operative=operative)
        CardFactory(operative=operative, expires_on=today + timedelta(days=(-10, 30, 400)[i]))
    EmploymentFactory(organisation=organisation)  # no card
    template = start_application(portal_user=primary_user)
    copies(template, 2, status=Status.FINALISED, finalised_at=now)
    copies(template, 1, status=Status.ORDERED)
    copies(template, 1, status=Status.ON_HOLD, hold_reason="A clearer <photo> & 'name'", paid_at=now)
    copies(template, 1, status=Status.AWAITING_ENDORSEMENT, awaiting_grading_endorsement=True, paid_at=now)
    copies(template, 1, status=Status.AWAITING_ENDORSEMENT, awaiting_supervisor_endorsement=True, paid_at=now)
    copies(template, 1, status=Status.CONDITIONAL_HOLD, paid_at=now)
    copies(template, 1, status=Status.VERIFYING, paid_at=now)
    card = CardFactory(expires_on=today + timedelta(days=900))
    copies(template, 1, status=Status.DISPATCHED, completed_at=now, paid_at=now, card=card)
    copies(template, 1, status=Status.DISPATCHED, completed_at=now, paid_at=now)
    copies(template, 1, status=Status.REJECTED, completed_at=now, paid_at=now, decision_reason="Not <eligible> & 'x'")

    pages = {}
    for name, url in PAGES.items():
        response = portal_client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    assert "Smith &amp; Sons, &lt;b&gt;Amy&lt;/b&gt;" in pages["employees"]
    assert "<b>Amy" not in pages["employees"]
    assert "Quote&#34;d, Zoë" in pages["employees"] and "O&#39;Brien, Seán" in pages["expired"]
    assert "On hold: A clearer &lt;photo&gt; &amp; &#39;name&#39;" in pages["attention"]
    assert pages["attention"].count("Endorse Qualified Supervisor status") == 1
    assert pages["attention"].count("Endorse the change in grading") == 1
    assert 'name="application" value=' in pages["attention"]
    produced = pages["produced"]
    assert "<strong>Needed:</strong> A clearer &lt;photo&gt; &amp; &#39;name&#39;" in produced
    assert produced.count("govuk-tag--orange") == 3 and produced.count("govuk-tag--yellow") == 1
    assert "govuk-tag--blue" in produced and "Supply what is missing" in produced
    completed = pages["completed"]
    assert completed.count("govuk-tag--green") == 2 and "Not &lt;eligible&gt; &amp; &#39;x&#39;" in completed
    assert card.number in completed and card.expires_on.strftime("%d/%m/%Y") in completed

    if folder := os.environ.get("ROWS_DUMP"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        for name, html in pages.items():
            Path(folder, f"{name}.html").write_text(normalised(html))
