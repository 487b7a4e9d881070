"""Card applications through their services: which card types an employee may apply for, starting many at once, the
rules of steps 3 and 4, two finalisers at once."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from portal.applications import selectors, services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.orders.models import ApplicationType
from portal.registry.models import CardType, Grade, Occupation
from tests.factories import PortalUserFactory
from tests.factories_applications import (
    complete_step2,
    craft,
    ready_application,
    start_application,
)
from tests.factories_registry import CardFactory, EmploymentFactory
from workflows.card_application.flows import CardApplicationFlow

Status = CardApplication.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_initial_for_card_types_not_held_and_renewal_only_in_the_window(organisation):
    today = date.today()
    employment = EmploymentFactory(organisation=organisation)
    labourer = CardType.objects.get(name="Electrical Labourer")
    in_window = CardFactory(operative=employment.operative, card_type=craft(), expires_on=today + timedelta(days=40))
    CardFactory(operative=employment.operative, card_type=labourer, expires_on=today + timedelta(days=400))
    available = selectors.card_types_available(employments=[employment])[employment.pk]
    keys = {c.key for c in available.choices}
    assert f"renewal:{in_window.pk}" in keys
    assert f"initial:{craft().pk}" not in keys  # holds a current Craft card: renewal only
    assert f"initial:{labourer.pk}" not in keys  # current, not in its window: nothing for that type
    assert not any(c.renews_card and c.card_type == labourer for c in available.choices)
    assert f"initial:{CardType.objects.get(name='Managerial').pk}" in keys
    assert available.choice(f"renewal:{in_window.pk}").label == "Craft or Related Disciplines - Renewal"


def test_expired_cancelled_and_non_renewable_cards(organisation):
    today = date.today()
    employment = EmploymentFactory(organisation=organisation)
    experienced = CardType.objects.get(name="Experienced Worker")  # not renewable
    CardFactory(operative=employment.operative, card_type=craft(), expires_on=today - timedelta(days=1))
    CardFactory(operative=employment.operative, card_type=experienced, expires_on=today + timedelta(days=10))
    cancelled = CardFactory(operative=employment.operative, card_type=CardType.objects.get(name="Managerial"),
                            expires_on=today + timedelta(days=10), cancelled_at=timezone.now())  # fmt: skip
    keys = {c.key for c in selectors.card_types_available(employments=[employment])[employment.pk].choices}
    assert f"initial:{craft().pk}" in keys  # the Craft card has expired
    assert f"initial:{experienced.pk}" not in keys and not any(k.startswith("renewal:") for k in keys)
    assert f"initial:{cancelled.card_type_id}" in keys  # a cancelled card is not held
    # The last day of the window is the expiry day itself.
    card = CardFactory(operative=employment.operative, card_type=craft(), expires_on=today)
    keys = {c.key for c in selectors.card_types_available(employments=[employment])[employment.pk].choices}
    assert f"renewal:{card.pk}" in keys


def test_nothing_while_an_application_is_in_progress(primary_user):
    application = start_application(portal_user=primary_user)
    available = selectors.card_types_available(employments=[application.employment])[application.employment_id]
    assert available.choices == [] and application.reference in available.reason
    services.card_application_withdraw(application=application, actor=primary_user.user)
    available = selectors.card_types_available(employments=[application.employment])[application.employment_id]
    assert available.choices and not available.reason


def test_availability_takes_three_queries_whatever_the_number(organisation, django_assert_max_num_queries):
    employments = [EmploymentFactory(organisation=organisation) for _ in range(20)]
    for e in employments:
        CardFactory(operative=e.operative)
    with django_assert_max_num_queries(3):
        selectors.card_types_available(employments=employments)


def test_start_many_creates_one_process_each(primary_user):
    employments = [EmploymentFactory(organisation=primary_user.organisation) for _ in range(3)]
    managerial = CardType.objects.get(name="Managerial")
    applications = services.card_applications_start(
        actor=primary_user.user,
        choices=[(employments[0], f"initial:{craft().pk}"), (employments[1], f"initial:{managerial.pk}"),
                 (employments[2], f"initial:{craft().pk}")],
    )  # fmt: skip
    assert [a.employment_id for a in applications] == [e.pk for e in employments]
    assert len({a.reference for a in applications}) == 3
    for application in applications:
        assert application.status == Status.IN_PROGRESS and application.events.count() == 1
        assert CardApplicationFlow.task_class.objects.filter(
            process__artifact_object_id=application.pk, flow_task=CardApplicationFlow.await_payment
        ).exists()


def test_start_is_all_or_nothing_and_checks_availability_again(primary_user):
    free = EmploymentFactory(organisation=primary_user.organisation)
    busy = start_application(portal_user=primary_user).employment
    with pytest.raises(services.ApplicationError, match="already in progress"):
        services.card_applications_start(
            actor=primary_user.user, choices=[(free, f"initial:{craft().pk}"), (busy, f"initial:{craft().pk}")]
        )
    assert not CardApplication.objects.filter(employment=free).exists()
    with pytest.raises(services.ApplicationError):
        services.card_applications_start(actor=primary_user.user, choices=[(free, "initial:999999")])
    holder = EmploymentFactory(organisation=primary_user.organisation)
    card = CardFactory(operative=holder.operative, card_type=craft(), expires_on=date.today() + timedelta(days=500))
    with pytest.raises(services.ApplicationError):  # not in the renewal window
        services.card_applications_start(actor=primary_user.user, choices=[(holder, f"renewal:{card.pk}")])


def test_start_renewal_names_the_card(primary_user):
    holder = EmploymentFactory(organisation=primary_user.organisation)
    card = CardFactory(operative=holder.operative, card_type=craft(), expires_on=date.today() + timedelta(days=30))
    (application,) = services.card_applications_start(actor=primary_user.user, choices=[(holder, f"renewal:{card.pk}")])
    assert application.application_type == ApplicationType.RENEWAL and application.renews_card == card


def test_registered_electrician_and_qualified_supervisor_rules(primary_user):
    application = start_application(portal_user=primary_user)
    complete_step2(application)
    options = selectors.occupation_options(application=application)
    installation = Occupation.objects.get(card_type=craft(), name="Installation Electrician")
    electrician = Grade.objects.get(occupation=installation, name="Electrician")
    approved = Grade.objects.get(occupation=installation, name="Approved Electrician")
    installation = options.option(installation.pk).occupation
    assert options.registered_electrician_offered(installation)
    assert not options.qualified_supervisor_offered(installation, electrician)  # the entry grade
    assert options.qualified_supervisor_offered(installation, approved)
    labourer = CardType.objects.get(name="Electrical Labourer")
    other = start_application(portal_user=primary_user, card_type=labourer)
    labourer_options = selectors.occupation_options(application=other)
    assert not labourer_options.registered_electrician_offered(labourer_options.main[0].occupation)
    # Already registered: the date is shown, the scheme is not offered again.
    application.operative.registered_electrician_since = date(2018, 9, 3)
    application.operative.save()
    application = CardApplication.objects.get(pk=application.pk)
    options = selectors.occupation_options(application=application)
    assert not options.registered_electrician_offered(options.option(installation.pk).occupation)
    with pytest.raises(services.ApplicationError, match="Registered Electrician"):
        services.card_application_save_occupations(
            application=application, actor=primary_user.user, main_occupation=installation, grade=electrician,
            additional_occupations=[], registered_electrician=True, qualified_supervisor=False,
        )  # fmt: skip


def test_problems_per_step(primary_user):
    application = start_application(portal_user=primary_user)
    problems = selectors.card_application_problems(application=application)
    assert set(problems) == {1, 2, 3} and all(problems.values())
    ApplicationDocument.objects.create(application=application, entry=ApplicationDocument.Entry.AUTOMATIC,
                                       uploaded_by=primary_user.user)  # fmt: skip
    assert any("still being read" in p for p in selectors.card_application_problems(application=application)[2])
    ready = ready_application(primary_user)
    assert selectors.card_application_problems(application=ready) == {1: [], 2: [], 3: []}


def test_finalise_needs_the_declaration_and_a_complete_application(primary_user):
    incomplete = start_application(portal_user=primary_user)
    with pytest.raises(services.ApplicationError, match="not complete"):
        services.card_application_finalise(application=incomplete, actor=primary_user.user, declaration=True)
    application = ready_application(primary_user)
    with pytest.raises(services.ApplicationError, match="declaration"):
        services.card_application_finalise(application=application, actor=primary_user.user, declaration=False)
    services.card_application_finalise(application=application, actor=primary_user.user, declaration=True)
    application.refresh_from_db()
    assert application.status == Status.FINALISED and application.finalised_by == primary_user.user
    assert application.events.filter(what="Finalised.", to_status=Status.FINALISED).exists()
    with pytest.raises(services.ApplicationError):  # no more changes to the steps
        services.card_application_save_applicant(
            application=application, actor=primary_user.user, business_phone="+441614960000", business_email="a@b.ex"
        )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_finalising_at_once_one_wins():
    primary = PortalUserFactory(all_flags=True)
    application = ready_application(primary)
    users = [primary.user, PortalUserFactory(organisation=primary.organisation, all_flags=True).user]
    barrier = threading.Barrier(2)
    outcomes = []

    def finalise(user):
        try:
            barrier.wait()
            services.card_application_finalise(application=application, actor=user, declaration=True)
            outcomes.append("won")
        except services.ApplicationError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalise, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("won") == 1
    (told,) = [o for o in outcomes if o != "won"]
    application.refresh_from_db()
    assert f"{application.finalised_by.get_full_name()} finalised application {application.reference} on" in told
    assert application.events.filter(what="Finalised.").count() == 1
