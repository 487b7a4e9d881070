"""The portal's long lists: pages read keys first (offset, or keyset for Next), a constant number of queries
whatever the number of rows, Applications Requiring Attention paginated per section, and the home page's counts
taken by the same rules as the pages they link to. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import itertools
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from portal.applications.models import CardApplication
from portal.core.pagination import KeysFirstPaginator, _encode
from portal.core.selectors import dashboard
from portal.employees import selectors as employee_selectors
from portal.orders.models import Order
from tests.factories import PortalUserFactory
from tests.factories_applications import start_application
from tests.factories_registry import CardFactory, EmploymentFactory

Status = CardApplication.Status
NUMBERS = itertools.count(1)


def copies(template: CardApplication, n: int, **fields) -> list[CardApplication]:
    """`n` applications like `template` (one employee each) in the given state, written directly: lists read the
    applications' own rows, so no process is needed for them."""
    made = []
    for _ in range(n):
        employment = EmploymentFactory(organisation=template.organisation, office=template.office)
        made.append(
            CardApplication(
                reference=f"T{next(NUMBERS):09d}",
                organisation=template.organisation,
                office=template.office,
                employment=employment,
                operative=employment.operative,
                card_type=template.card_type,
                application_type=template.application_type,
                created_by=template.created_by,
                **fields,
            )
        )
    return CardApplication.objects.bulk_create(made)


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


@pytest.fixture
def template(primary_user):
    return start_application(portal_user=primary_user)


# -- Applications Requiring Attention ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_attention_is_paginated_per_section_with_constant_queries(
    portal_client, primary_user, template, django_assert_max_num_queries
):
    copies(template, 3, status=Status.FINALISED, finalised_at=timezone.now())
    copies(template, 1, status=Status.ORDERED)
    copies(template, 1, status=Status.ON_HOLD, hold_reason="A clearer photo")  # a row in every section
    with django_assert_max_num_queries(30) as few:
        small = portal_client.get("/portal/applications/")
    copies(template, 60, status=Status.IN_PROGRESS)
    copies(template, 55, status=Status.FINALISED, finalised_at=timezone.now())
    copies(template, 3, status=Status.ON_HOLD, hold_reason="A clearer photo")
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = portal_client.get("/portal/applications/")
    assert small.status_code == large.status_code == 200
    text = large.text
    assert "61 Applications In Progress" in text and "58 Finalised Applications" in text
    assert "4 Needing Your Action" in text
    assert text.count('name="application" value=') == 50  # one page of the finalised section
    assert "Page 1 of 2" in text
    [second] = [h for h in hrefs(text) if h.startswith("?in_progress_page=2")]
    page2 = portal_client.get(f"/portal/applications/{second}")
    assert page2.text.count("Resume at step") == 11 and "Page 2 of 2" in page2.text


@pytest.mark.django_db
def test_attention_keeps_other_organisations_out(portal_client, primary_user, template):
    other = PortalUserFactory()
    theirs = start_application(portal_user=other)
    copies(theirs, 2, status=Status.ON_HOLD)
    text = portal_client.get("/portal/applications/").text
    assert "0 Needing Your Action" in text and theirs.reference not in text


@pytest.mark.django_db
def test_home_counts_match_the_sections(primary_user, template):
    copies(template, 2, status=Status.ON_HOLD)
    copies(template, 3, status=Status.AWAITING_ENDORSEMENT, awaiting_grading_endorsement=True)
    copies(template, 4, status=Status.FINALISED, finalised_at=timezone.now())
    counts = dashboard(primary_user).applications
    assert (counts.on_hold, counts.awaiting_endorsement, counts.finalised) == (2, 3, 4)


# -- Being produced, completed: keyset for Next ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/portal/applications/produced/", "/portal/applications/completed/"])
def test_produced_and_completed_page_by_keyset_with_constant_queries(
    portal_client, template, url, django_assert_max_num_queries
):
    now = timezone.now()
    state = {"status": Status.VERIFYING} if "produced" in url else {"status": Status.DISPATCHED}
    made = copies(template, 2, paid_at=now, completed_at=now, **state)
    with django_assert_max_num_queries(20) as few:
        portal_client.get(url)
    made += copies(template, 110, paid_at=now, completed_at=now, **state)  # many share a time: pk breaks ties
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = portal_client.get(url)
    assert "Page 1 of 3" in first.text
    [next_link] = [h for h in hrefs(first.text) if h.startswith("?page=2&after=")]
    by_keyset = portal_client.get(url + next_link)
    by_offset = portal_client.get(url + "?page=2")
    references = re.compile(r">(T\d{9})<")
    assert references.findall(by_keyset.text) == references.findall(by_offset.text)
    assert len(references.findall(by_keyset.text)) == 50
    assert not set(references.findall(first.text)) & set(references.findall(by_keyset.text))


@pytest.mark.django_db
def test_a_tampered_cursor_pages_by_offset(portal_client, template):
    now = timezone.now()
    copies(template, 60, status=Status.DISPATCHED, completed_at=now)
    for cursor in ("not-base64!", _encode(("x", "y", "z")), _encode((1,))):
        response = portal_client.get(f"/portal/applications/completed/?page=2&after={cursor}")
        assert response.status_code == 200 and "Page 2 of 2" in response.text


# -- The paginator itself ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_keyset_follows_a_descending_order_and_mixed_directions(primary_user, template):
    now = timezone.now()
    made = copies(template, 7, status=Status.DISPATCHED)
    for i, application in enumerate(made):
        application.completed_at = now - timedelta(hours=i // 2)  # pairs share a time
    CardApplication.objects.bulk_update(made, ["completed_at"])
    queryset = CardApplication.objects.filter(pk__in=[a.pk for a in made]).order_by("-completed_at", "pk")
    expected = list(queryset.values_list("pk", flat=True))
    paginator = KeysFirstPaginator(queryset, 3, non_null_order=True)
    seen, page = [], paginator.page(1)
    seen += [a.pk for a in page]
    while page.has_next():
        page = paginator.page(page.number + 1, after=page.next_cursor)
        seen += [a.pk for a in page]
    assert seen == expected


@pytest.mark.django_db
def test_a_nullable_order_pages_by_offset_unless_told(template):
    queryset = CardApplication.objects.order_by("-completed_at", "pk")
    assert KeysFirstPaginator(queryset, 3)._key_fields() is None
    assert KeysFirstPaginator(queryset, 3, non_null_order=True)._key_fields() is not None
    annotated = employee_selectors.employee_list(template.organisation.portal_users.first(), sort="expiry")
    assert KeysFirstPaginator(annotated, 3)._key_fields() is None  # an annotation: offset only


# -- Employees: lists, search, counts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_employee_list_and_card_pages_keep_constant_queries(portal_client, primary_user, django_assert_max_num_queries):
    organisation = primary_user.organisation
    for days in (-10, 0, 400):  # one card expired, one expiring, one valid: every list has a row
        operative = EmploymentFactory(organisation=organisation).operative
        CardFactory(operative=operative, expires_on=date.today() + timedelta(days=days))
    urls = ["/portal/employees/", "/portal/employees/cards/expiring/", "/portal/employees/cards/expired/", "/portal/"]
    few = {}
    for url in urls:
        with django_assert_max_num_queries(20) as captured:
            portal_client.get(url)
        few[url] = len(captured.captured_queries)
    for i in range(60):
        operative = EmploymentFactory(organisation=organisation, operative__last_name=f"Many{i:02d}").operative
        CardFactory(operative=operative, expires_on=date.today() + timedelta(days=i % 3 * 40 - 40))
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            assert portal_client.get(url).status_code == 200


@pytest.mark.django_db
def test_home_card_counts_follow_the_newest_card_rule(primary_user):
    organisation, today = primary_user.organisation, date.today()
    renewed = EmploymentFactory(organisation=organisation).operative
    CardFactory(operative=renewed, expires_on=today - timedelta(days=10))  # replaced by a newer card
    CardFactory(operative=renewed, expires_on=today + timedelta(days=30))
    expired = EmploymentFactory(organisation=organisation).operative
    CardFactory(operative=expired, expires_on=today - timedelta(days=3))
    CardFactory(operative=expired, expires_on=today + timedelta(days=300), cancelled_at=timezone.now())
    twice = EmploymentFactory(organisation=organisation).operative  # two cards with the same expiry: counted once
    CardFactory(operative=twice, expires_on=today + timedelta(days=5))
    CardFactory(operative=twice, expires_on=today + timedelta(days=5))
    EmploymentFactory(organisation=organisation)  # no card
    outsider = EmploymentFactory().operative
    CardFactory(operative=outsider, expires_on=today)
    counts = employee_selectors.employee_counts(primary_user, today=today)
    assert counts == {"employees": 4, "expiring": 2, "expired": 1}
    expiring = employee_selectors.expiring_cards(primary_user, expired=False, today=today)
    expired_cards = employee_selectors.expiring_cards(primary_user, expired=True, today=today)
    assert expiring.count() == counts["expiring"] and expired_cards.count() == counts["expired"]
    assert {c.operative_id for c in expiring} == {renewed.pk, twice.pk}


@pytest.mark.django_db
def test_name_search_by_prefix_of_either_name(primary_user):
    organisation = primary_user.organisation
    EmploymentFactory(organisation=organisation, operative__first_name="Ann", operative__last_name="Smithers")
    EmploymentFactory(organisation=organisation, operative__first_name="Smitty", operative__last_name="Jones")
    EmploymentFactory(organisation=organisation, operative__first_name="Bob", operative__last_name="Blacksmith")
    found = employee_selectors.employee_list(primary_user, search="smi")
    assert sorted(e.operative.last_name for e in found) == ["Jones", "Smithers"]
    assert [e.operative.last_name for e in employee_selectors.employee_list(primary_user, search="SMI ann")] == [
        "Smithers"
    ]


@pytest.mark.django_db
def test_the_indexes_exist_for_each_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = "('registry_operative', 'registry_card', 'employees_employment')"
            cursor.execute(f"SELECT indexname FROM pg_indexes WHERE tablename IN {tables}")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        names = {row[0] for row in cursor.fetchall()}
    assert "registry_card_current_newest" in names
    # The employments' summaries: current employees by card expiry, and by name (the list's default order).
    assert {"employment_current_card_expiry", "employment_current_by_name"} <= names
    upper = {"registry_operative_upper_last_name", "registry_operative_upper_first_name"}
    if connection.vendor == "postgresql":
        assert upper <= names
    else:  # SQLite's LIKE is case-insensitive already: no expression index
        assert not upper & names


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_name_search_uses_the_expression_index_on_postgresql(primary_user):
    # The selector filters on the indexed expression (which plan PostgreSQL picks on near-empty test tables depends
    # on their statistics, so the selector's SQL and the index's use are checked apart).
    queryset = employee_selectors.employee_list(primary_user, search="Smi").values_list("pk")
    sql, params = queryset.query.sql_with_params()
    assert 'UPPER("registry_operative"."last_name"' in sql.replace("::text", "")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM registry_operative WHERE UPPER(last_name::text) LIKE 'SMI%%'")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_operative_upper_last_name" in plan


# -- Orders ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_orders_lists_count_without_summing_lines(primary_user, django_assert_max_num_queries):
    from portal.orders import selectors

    lean = selectors.orders_requiring_attention(primary_user, totals=False)
    assert "SUM" not in str(lean.query).upper()
    assert "SUM" in str(selectors.orders_requiring_attention(primary_user).query).upper()
    assert lean.model is Order
