"""factory_boy factories for the core models. Each domain adds its own below or in its own module."""

import factory

from portal.accounts.models import User
from portal.accounts.services import second_factor_for
from portal.licensing.models import AssessmentType, Licence
from portal.organisations import services as org_services
from portal.organisations.models import Office, Organisation, PortalUser
from portal.organisations.permissions import ALL_FLAGS

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.co.uk")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    mobile = factory.Sequence(lambda n: f"+4477009{n % 100000:05d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            second_factor_for(user=obj)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Sparks Electrical {n} Ltd")
    postcode = "M1 1AE"
    jib_membership_number = factory.Sequence(lambda n: f"JIB{10000 + n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_services.organisation_create(**kwargs)

    @factory.post_generation
    def licence(obj, create, extracted, **kwargs):
        """A licence to every part and every assessment unless `licence=False`; `licence__ecs_check=False` etc."""
        if not create or extracted is False or obj.is_jib:
            return
        parts = {"employer_portal": True, "ecs_check": True, "assessments": True}
        parts.update(kwargs)
        parts.setdefault("assessment_types", [code for code, _ in AssessmentType.choices])
        Licence.objects.create(organisation=obj, **parts)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    organisation = factory.SubFactory(OrganisationFactory)
    parent = factory.LazyAttribute(lambda o: o.organisation.head_office)
    name = factory.Sequence(lambda n: f"Office {n}")
    kind = Office.Kind.OFFICE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_services.office_create(**kwargs)


class PortalUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalUser

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    office = factory.LazyAttribute(lambda o: o.organisation.head_office)

    # Not model fields: _create turns them into the boolean flag columns.
    all_flags = False
    flags = ()

    @classmethod
    def _create(cls, model_class, *args, all_flags=False, flags=(), **kwargs):
        chosen = set(ALL_FLAGS) if all_flags else set(flags)
        return org_services.portal_user_create(flags=chosen, **kwargs)
