from datetime import date, timedelta

import factory

from portal.employees.models import Employment
from portal.registry.models import Card, CardType, HseResult, Operative


class OperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operative

    title = "Mr"
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(1985, 6, 15)
    ni_number = factory.Sequence(lambda n: f"JR{n % 1000000:06d}{'ABCD'[n % 4]}")
    gender = "M"


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    operative = factory.SubFactory(OperativeFactory)
    card_type = factory.LazyFunction(lambda: CardType.objects.get(name="Craft or Related Disciplines"))
    number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=700))
    issued_on = factory.LazyAttribute(lambda o: o.expires_on - timedelta(days=3 * 365))


class HseResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HseResult

    operative = factory.SubFactory(OperativeFactory)
    number = factory.Sequence(lambda n: f"HSE{n:07d}")
    taken_on = factory.LazyFunction(lambda: date.today() - timedelta(days=100))
    passed = True
    score = 47
    expires_on = factory.LazyAttribute(lambda o: o.taken_on + timedelta(days=730))


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    operative = factory.SubFactory(OperativeFactory)
    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    office = factory.LazyAttribute(lambda o: o.organisation.head_office)
    started_on = date(2020, 1, 6)
