from datetime import date, timedelta

import pytest

from portal.employees import services
from portal.employees.models import Employment
from portal.organisations import services as org_services
from portal.organisations.permissions import BUNDLES, Flag
from portal.registry.models import Operative
from portal.registry.validators import ni_number_problem
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory, HseResultFactory, OperativeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("QQ123456C", False),  # Q is never a first letter
        ("AB123456C", True),
        ("ab 12 34 56 c", True),
        ("AB123456E", False),  # suffix A-D only
        ("DA123456A", False),  # D never first
        ("AO123456A", False),  # O never second
        ("GB123456A", False),  # not allocated
        ("NK123456A", False),
        ("TN123456A", False),  # temporary
        ("ZZ123456A", False),
        ("AB12345C", False),  # five digits
        ("A1123456C", False),
        ("", False),
    ],
)
def test_ni_number_rules(value, ok):
    assert (ni_number_problem(value) is None) is ok


@pytest.fixture
def record():
    operative = OperativeFactory(last_name="Jones", ni_number="AB123456C", date_of_birth=date(1980, 2, 3))
    CardFactory(operative=operative, number="12345678")
    HseResultFactory(operative=operative, number="HSE0000001")
    return operative


@pytest.mark.parametrize(
    "details",
    [{"last_name": "Jones"}, {"last_name": "jones "}, {"card_number": "12345678"}, {"hse_number": "HSE0000001"},
     {"last_name": "Jones", "card_number": "12345678"}],
)  # fmt: skip
def test_lookup_finds_the_record_when_everything_given_matches(record, organisation, details):
    result = services.employee_lookup(
        organisation=organisation, ni_number="ab 12 34 56 c", date_of_birth=date(1980, 2, 3), **details
    )
    assert result.operative == record


@pytest.mark.parametrize(
    ("dob", "details"),
    [
        (date(1980, 2, 4), {"last_name": "Jones"}),  # wrong date of birth
        (date(1980, 2, 3), {"last_name": "Jonas"}),  # wrong name
        (date(1980, 2, 3), {"last_name": "Jones", "card_number": "99999999"}),  # one of two details wrong
        (date(1980, 2, 3), {"hse_number": "HSE0000002"}),
    ],
)
def test_partial_match_reveals_nothing(record, organisation, dob, details):
    result = services.employee_lookup(organisation=organisation, ni_number="AB123456C", date_of_birth=dob, **details)
    assert result.operative is None


def test_lookup_needs_a_third_detail(record, organisation):
    with pytest.raises(services.EmployeeError):
        services.employee_lookup(organisation=organisation, ni_number="AB123456C", date_of_birth=date(1980, 2, 3))


def test_add_existing_employee_over_http(client, primary_user, record):
    sign_in(client, primary_user.user)
    response = client.post(
        "/portal/employees/add/",
        {"ni_number": "AB 12 34 56 C", "date_of_birth": "1980-02-03", "last_name": "Jones"},
    )
    assert response["Location"] == "/portal/employees/add/confirm/"
    page = client.get("/portal/employees/add/confirm/")
    assert "hereby confirm" in page.text and record.last_name in page.text
    response = client.post(
        "/portal/employees/add/confirm/", {"started_on": "2024-01-08", "office": primary_user.office_id}
    )
    assert "Confirm that the operative started work" in response.text  # declaration not ticked
    response = client.post(
        "/portal/employees/add/confirm/",
        {"started_on": "2024-01-08", "office": primary_user.office_id, "declaration": "on"},
    )
    employment = Employment.objects.get(operative=record, organisation=primary_user.organisation)
    assert response["Location"] == f"/portal/employees/{employment.pk}/"
    assert employment.confirmed_by == primary_user.user


def test_not_found_creates_a_new_record(client, primary_user):
    sign_in(client, primary_user.user)
    response = client.post(
        "/portal/employees/add/", {"ni_number": "CE654321A", "date_of_birth": "1990-05-01", "last_name": "Mac"}
    )
    assert response["Location"] == "/portal/employees/add/new/"
    page = client.get("/portal/employees/add/new/")
    assert 'value="CE654321A"' in page.text
    response = client.post(
        "/portal/employees/add/new/",
        {"title": "Mr", "first_name": "Daniel", "last_name": "Mac", "ni_number": "TN123456A",
         "date_of_birth": "1990-05-01", "gender": "M", "started_on": "2024-03-04",
         "office": primary_user.office_id, "declaration": "on"},
    )  # fmt: skip
    assert "Temporary National Insurance numbers" in response.text
    response = client.post(
        "/portal/employees/add/new/",
        {"title": "Mr", "first_name": "Daniel", "last_name": "Mac", "ni_number": "CE654321A",
         "date_of_birth": "1990-05-01", "gender": "M", "started_on": "2024-03-04",
         "office": primary_user.office_id, "declaration": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Operative.objects.get(ni_number="CE654321A").employments.get().organisation == primary_user.organisation


def test_bad_input_on_lookup_is_shown_beside_the_fields(client, primary_user):
    sign_in(client, primary_user.user)
    response = client.post("/portal/employees/add/", {"ni_number": "QQ123456C", "date_of_birth": "2020-01-01"})
    assert "not a valid National Insurance number prefix" in response.text
    assert "must be at least 15 years old" in response.text
    assert "at least one other piece of information" in response.text


def test_an_operative_can_work_for_several_companies_over_time(primary_user, record):
    other = OrganisationFactory()
    first = EmploymentFactory(operative=record, organisation=other, started_on=date(2015, 1, 1))
    services.employee_leave(employment=first, left_on=date(2019, 12, 31), recorded_by=primary_user.user)
    services.employee_add(
        operative=record, organisation=other, office=other.head_office, started_on=date(2022, 1, 1),
        confirmed_by=primary_user.user,
    )  # fmt: skip
    services.employee_add(
        operative=record, organisation=primary_user.organisation, office=primary_user.office,
        started_on=date(2023, 1, 1), confirmed_by=primary_user.user,
    )  # fmt: skip
    with pytest.raises(services.EmployeeError):
        services.employee_add(
            operative=record, organisation=primary_user.organisation, office=primary_user.office,
            started_on=date(2023, 1, 1), confirmed_by=primary_user.user,
        )  # fmt: skip
    assert record.employments.count() == 3


def test_leaving_keeps_history(client, primary_user):
    employment = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Leaverton")
    sign_in(client, primary_user.user)
    client.post(f"/portal/employees/{employment.pk}/leave/", {"left_on": date.today().isoformat()})
    employment.refresh_from_db()
    assert employment.left_on == date.today()
    client.get(f"/portal/employees/{employment.pk}/")  # shows the confirmation message
    listing = client.get("/portal/employees/")
    assert employment.operative.last_name not in listing.text
    assert client.get(f"/portal/employees/{employment.pk}/").status_code == 200


def test_other_organisations_employee_is_404_and_no_flag_is_403(client):
    mine = OrganisationFactory()
    theirs = OrganisationFactory()
    their_employee = EmploymentFactory(organisation=theirs, operative__last_name="Theirsworth")
    viewer = PortalUserFactory(organisation=mine, flags=BUNDLES["Full Employee Access"])
    sign_in(client, viewer.user)
    for path in ["/", "/leave/", "/office/"]:
        method = client.get if path == "/" else client.post
        assert method(f"/portal/employees/{their_employee.pk}{path}").status_code == 404
    assert their_employee.operative.last_name not in client.get("/portal/employees/").text
    client.logout()
    no_flag = PortalUserFactory(organisation=theirs, flags=[Flag.VIEW_PURCHASES])
    sign_in(client, no_flag.user)
    for url in ["/portal/employees/", f"/portal/employees/{their_employee.pk}/", "/portal/employees/add/",
                "/portal/employees/cards/expiring/", "/portal/employees/cards/expired/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403, url
        assert their_employee.operative.last_name not in response.text


def test_regional_manager_sees_only_their_region(client):
    organisation = OrganisationFactory()
    head = organisation.head_office
    north = org_services.office_create(organisation=organisation, parent=head, name="North", kind="region")
    south = org_services.office_create(organisation=organisation, parent=head, name="South", kind="region")
    in_north = EmploymentFactory(organisation=organisation, office=north, operative__last_name="Northcott")
    in_south = EmploymentFactory(organisation=organisation, office=south, operative__last_name="Southgate")
    manager = PortalUserFactory(organisation=organisation, office=north, flags=BUNDLES["Full Employee Access"])
    sign_in(client, manager.user)
    listing = client.get("/portal/employees/").text
    assert in_north.operative.last_name in listing and in_south.operative.last_name not in listing
    assert client.get(f"/portal/employees/{in_south.pk}/").status_code == 404
    # An office outside the scope is not offered as a filter and shows nothing of it.
    refused = client.post("/portal/employees/", {"office": south.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.text
    assert in_south.operative.last_name not in refused.text


def test_search_filter_and_csv(client, primary_user):
    today = date.today()
    expiring = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Soonexpire")
    CardFactory(operative=expiring.operative, number="55550001", expires_on=today + timedelta(days=20))
    expired = EmploymentFactory(organisation=primary_user.organisation, operative__last_name="Longgone")
    CardFactory(operative=expired.operative, number="55550002", expires_on=today - timedelta(days=20))
    sign_in(client, primary_user.user)

    def search(**filters):
        return client.post("/portal/employees/", filters, follow=True).text

    assert "Soonexpire" in search(q="55550001")
    assert "Longgone" not in search(q="55550001")
    assert "Longgone" in search(q=expired.operative.ni_number)
    assert "Soonexpire" in search(status="expiring")
    assert "Longgone" not in search(status="expiring")
    search(clear="1")
    assert "Longgone" in client.get("/portal/employees/cards/expired/").text
    assert "Soonexpire" in client.get("/portal/employees/cards/expiring/").text
    csv_body = b"".join(client.get("/portal/employees/?format=csv").streaming_content).decode()
    assert "Soonexpire" in csv_body and "55550002" in csv_body


@pytest.mark.parametrize("count", [3, 30])
def test_pages_keep_a_constant_number_of_queries(client, primary_user, django_assert_max_num_queries, count):
    for i in range(count):
        employment = EmploymentFactory(organisation=primary_user.organisation)
        CardFactory(operative=employment.operative, expires_on=date.today() + timedelta(days=10 + i))
        HseResultFactory(operative=employment.operative)
    sign_in(client, primary_user.user)
    with django_assert_max_num_queries(10):
        client.get("/portal/employees/")
    with django_assert_max_num_queries(10):
        client.get("/portal/employees/cards/expiring/")
    with django_assert_max_num_queries(14):
        client.get(f"/portal/employees/{employment.pk}/")
