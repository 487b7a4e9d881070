"""The workforce export as at a date: CSV and PDF, the viewer's scope, nothing personal beyond names."""

import csv
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.contracts.models import ContractWorker
from portal.organisations.permissions import Flag
from tests.contracts.sitecheck_factories import chain, check_user, make_worker


@pytest.fixture
def setup(db):
    c = chain()
    p = c["parties"]
    c["workers"] = {
        "main": make_worker(p["main"], number="60000001"),
        "a": make_worker(p["a"], number="60000002", expires_on=date.today() - timedelta(days=5)),
        "b": make_worker(p["b"], number="60000003", role=ContractWorker.Role.APPRENTICE),
        "a1": make_worker(p["a1"], card=False),
    }
    return c


def url(contract):
    return f"/portal/site-checks/contracts/{contract.pk}/export/"


def read_csv(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_client_exports_the_whole_workforce_as_csv(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get(url(setup["contract"]), {"as_at": date.today().isoformat(), "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "library-refurbishment-workforce-" in response["Content-Disposition"]
    rows = read_csv(response)
    header_at = rows.index(["Name", *rows[rows.index([]) + 1][1:]])
    workers = rows[header_at + 1 :]
    assert len(workers) == 4
    by_number = {row[6]: row for row in workers}
    assert by_number["60000001"][11] == "Valid"
    assert by_number["60000002"][11] == "Expired"
    assert by_number["60000003"][3] == "Apprentice"
    assert by_number[""][11] == "No card"
    text = "\n".join(",".join(r) for r in rows)
    ni = setup["workers"]["main"].operative.ni_number
    assert ni not in text and "1985" not in text


def test_as_at_a_past_date_shows_who_was_on_the_contract_then(client, signed_in, setup):
    worker = setup["workers"]["main"]
    ContractWorker.objects.filter(pk=worker.pk).update(off_from=date.today() - timedelta(days=2))
    signed_in(setup["users"]["client"])
    then = read_csv(client.get(url(setup["contract"]), {"as_at": (date.today() - timedelta(days=10)), "format": "csv"}))
    now = read_csv(client.get(url(setup["contract"]), {"as_at": date.today(), "format": "csv"}))
    assert any(r[6:7] == ["60000001"] for r in then) and not any(r[6:7] == ["60000001"] for r in now)
    # Ten days ago the card that expired five days ago was still valid (expiring within 30 days).
    assert next(r for r in then if r[6:7] == ["60000002"])[11].startswith("Expiring")


def test_a_company_exports_its_own_branch_only(client, signed_in, setup):
    signed_in(setup["users"]["a"])
    rows = read_csv(client.get(url(setup["contract"]), {"as_at": date.today(), "format": "csv"}))
    names = {r[0] for r in rows if r}
    assert setup["workers"]["a"].operative.sort_name in names
    assert setup["workers"]["a1"].operative.sort_name in names
    assert setup["workers"]["b"].operative.sort_name not in names
    assert setup["workers"]["main"].operative.sort_name not in names


def test_the_pdf(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get(url(setup["contract"]), {"as_at": date.today().isoformat(), "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Library refurbishment" in text and "4 workers" in text
    assert "60000002" in text and "Expired" in text
    assert setup["workers"]["main"].operative.ni_number not in text


def test_a_bad_date_is_shown_beside_the_field(client, signed_in, setup):
    signed_in(setup["users"]["client"])
    response = client.get(url(setup["contract"]), {"as_at": "31/02/2026", "format": "csv"})
    assert response.status_code == 200 and response.context["form"].errors["as_at"]


def test_another_organisation_404_and_a_missing_flag_403(client, signed_in, setup):
    signed_in(check_user())
    assert client.get(url(setup["contract"]), {"as_at": date.today(), "format": "csv"}).status_code == 404
    client.logout()
    signed_in(check_user(organisation=setup["users"]["client"].organisation, flags={Flag.CREATE_CONTRACTS}))
    assert client.get(url(setup["contract"])).status_code == 403


def test_the_export_makes_constant_queries(client, signed_in, setup, django_assert_max_num_queries):
    for _ in range(10):
        make_worker(setup["parties"]["b"])
    signed_in(setup["users"]["client"])
    with django_assert_max_num_queries(12):
        response = client.get(url(setup["contract"]), {"as_at": date.today(), "format": "pdf"})
        assert response.status_code == 200
