"""The employee pages: add by lookup, new records, leaving, scope and flags, search, CSV, query counts, audit."""

from datetime import date, timedelta

import pytest
from django.utils.html import escape

from portal.employees import services
from portal.employees.models import Employment
from portal.organisations import services as org_services
from portal.organisations.permissions import BUNDLES, Flag
from portal.registry.models import Operative
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, PortalUserFactory
from tests.factories_registry import CardFactory, EmploymentFactory, HseResultFactory

pytestmark = pytest.mark.django_db


def test_add_existing_employee_over_http(client, primary_user, record):
    sign_in(client, primary_user.user)
    response = client.post(
        "/portal/employees/add/",
        {"ni_number": "AB 12 34 56 C", "date_of_birth": "1980-02-03", "last_name": "Jones"},
    )
    assert response["Location"] == "/portal/employees/add/confirm/"
    page = client.get("/portal/employees/add/confirm/")
    assert "hereby confirm" in page.text and escape(record.last_name) in page.text
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
        assert escape(their_employee.operative.last_name) not in response.text


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
    assert refused.status_code == 200 and "from the options given" in refused.text
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


def lookup(client, dob="1980-02-03", ni="AB 12 34 56 C", last_name="Jones"):
    return client.post("/portal/employees/add/", {"ni_number": ni, "date_of_birth": dob, "last_name": last_name})


def test_guessing_a_date_of_birth_is_stopped_by_the_per_user_limit(client, primary_user, record, settings):
    settings.EMPLOYEE_LOOKUPS_PER_USER_PER_HOUR = 30
    sign_in(client, primary_user.user)
    for day in range(1, 31):  # thirty wrong dates of birth use up the hour
        assert lookup(client, dob=f"1980-01-{day:02d}")["Location"] == "/portal/employees/add/new/"
    response = lookup(client)  # the right one now finds nothing
    assert response.status_code == 200
    assert "too many records in the last hour" in response.text
    assert client.get("/portal/employees/add/confirm/")["Location"] == "/portal/employees/add/"
    # A colleague is not held up by this user's searches.
    colleague = PortalUserFactory(organisation=primary_user.organisation, flags=BUNDLES["Full Employee Access"])
    client.logout()
    sign_in(client, colleague.user)
    assert lookup(client)["Location"] == "/portal/employees/add/confirm/"


def test_every_look_up_is_recorded_for_audit(client, primary_user, record, settings):
    from portal.employees.models import EmployeeLookup

    settings.EMPLOYEE_LOOKUPS_PER_USER_PER_HOUR = 2
    sign_in(client, primary_user.user)
    lookup(client)
    lookup(client, dob="1981-01-01")
    lookup(client)
    rows = list(
        EmployeeLookup.objects.order_by("id").values_list("looked_up_by", "organisation", "ni_number", "outcome")
    )
    me, mine = primary_user.user_id, primary_user.organisation_id
    assert rows == [(me, mine, "AB123456C", "found"), (me, mine, "AB123456C", "not_found"),
                    (me, mine, "AB123456C", "limited")]  # fmt: skip
    assert all(row.looked_up_at for row in EmployeeLookup.objects.all())


def test_the_look_up_audit_is_read_only_in_admin_and_not_for_employers(client, primary_user, record):
    from portal.accounts.models import User

    sign_in(client, primary_user.user)
    lookup(client)
    assert client.get("/admin/employees/employeelookup/").status_code == 403  # employers: not theirs
    client.logout()
    admin = User.objects.create_superuser("audit.admin@example.co.uk", "correct horse battery", first_name="A",
                                          last_name="Admin", mobile="+447700900999")  # fmt: skip
    sign_in(client, admin)
    listing = client.get("/admin/employees/employeelookup/")
    assert listing.status_code == 200 and "AB123456C" in listing.text
    assert client.get("/admin/employees/employeelookup/add/").status_code == 403


def test_the_new_record_form_does_not_say_a_record_exists(client, primary_user, record):
    from portal.employees.models import EmployeeLookup

    sign_in(client, primary_user.user)
    response = client.post(
        "/portal/employees/add/new/",
        {"title": "Mr", "first_name": "Someone", "last_name": "Else", "ni_number": record.ni_number,
         "date_of_birth": "1990-05-01", "gender": "M", "started_on": "2024-03-04",
         "office": primary_user.office_id, "declaration": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already exists" not in response.text and "An ECS record" not in response.text
    assert services.NEW_RECORD_REFUSED.split(".")[0] in response.text
    assert EmployeeLookup.objects.get().outcome == "number_taken"  # checking the number counts as a look-up
