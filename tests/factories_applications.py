"""Factories for card applications: started through the service, so each has its process."""

from portal.applications import services
from portal.applications.models import ApplicationDocument, CardApplication
from portal.orders.models import ApplicationType
from portal.registry.models import CardType, Occupation, QualificationType
from tests.documents.services.test_photo_and_uploads import passport_photo, upload
from tests.factories_registry import EmploymentFactory, HseResultFactory


def start_application(
    *, portal_user, employment=None, card_type=None, application_type=ApplicationType.INITIAL, renews_card=None
) -> CardApplication:
    """A card application started by `portal_user` for `employment` (a new employee at their office if None)."""
    employment = employment or EmploymentFactory(organisation=portal_user.organisation, office=portal_user.office)
    card_type = card_type or CardType.objects.get(name="Craft or Related Disciplines")
    return services.card_application_start(
        actor=portal_user.user,
        employment=employment,
        card_type=card_type,
        application_type=application_type,
        renews_card=renews_card,
    )


ELECTRICIAN_QUALIFICATIONS = ("2357-13", "AM2", "2382-22")


def complete_step1(application):
    application.business_phone = "+441614960000"
    application.business_email = "jeff@brightwire.example"
    application.photo.save("photo", upload(passport_photo()), save=False)
    application.step = max(application.step, 2)
    application.save()


def complete_step2(application, *, codes=ELECTRICIAN_QUALIFICATIONS):
    """What step 2 leaves behind: verified certificates and a valid HS&E result on the record."""
    for code in codes:
        ApplicationDocument.objects.create(
            application=application,
            entry=ApplicationDocument.Entry.MANUAL,
            status=ApplicationDocument.Status.VERIFIED,
            qualification_type=QualificationType.objects.get(code=code),
            uploaded_by=application.created_by,
        )
    result = HseResultFactory(operative=application.operative)
    application.hse_route = CardApplication.HseRoute.VALID_RESULT
    application.hse_result = result
    application.step = max(application.step, 3)
    application.save()


def complete_step3(application, *, actor):
    occupation = Occupation.objects.get(card_type=application.card_type, name="Installation Electrician")
    services.card_application_save_occupations(
        application=application,
        actor=actor,
        main_occupation=occupation,
        grade=occupation.grades.get(name="Electrician"),
        additional_occupations=[],
        registered_electrician=False,
        qualified_supervisor=False,
    )


def ready_application(portal_user, **kwargs):
    application = start_application(portal_user=portal_user, **kwargs)
    complete_step1(application)
    complete_step2(application)
    complete_step3(application, actor=portal_user.user)
    application.refresh_from_db()
    return application


def craft() -> CardType:
    return CardType.objects.get(name="Craft or Related Disciplines")
