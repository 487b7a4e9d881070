from datetime import date, timedelta

import factory

from portal.employees.models import Employment
from portal.employees.services import employment_card_refresh
from portal.registry.models import Card, CardType, CardTypeFamily, HseResult, Operative


class OperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operative

    title = "Mr"
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(1985, 6, 15)
    ni_number = factory.Sequence(lambda n: f"JR{n % 1000000:06d}{'ABCD'[n % 4]}")
    gender = "M"


class CardTypeFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CardTypeFamily
        django_get_or_create = ("name",)

    name = "Core - Electrical"


class CardTypeFactory(factory.django.DjangoModelFactory):
    """The seeded card type when present (a test database flush removes seeded rows: then it is made again)."""

    class Meta:
        model = CardType
        django_get_or_create = ("name",)

    name = "Craft or Related Disciplines"
    family = factory.SubFactory(CardTypeFamilyFactory)
    short_name = "Craft"
    duration_months = 36


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    operative = factory.SubFactory(OperativeFactory)
    card_type = factory.SubFactory(CardTypeFactory)
    number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=700))
    issued_on = factory.LazyAttribute(lambda o: o.expires_on - timedelta(days=3 * 365))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Written as the card services write one: the holder's employments carry their current card."""
        card = super()._create(model_class, *args, **kwargs)
        employment_card_refresh(operative_id=card.operative_id)
        return card


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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Begun as `employee_add` begins one: carrying the operative's names and current card."""
        operative = kwargs["operative"]
        kwargs.setdefault("last_name", operative.last_name)
        kwargs.setdefault("first_name", operative.first_name)
        employment = super()._create(model_class, *args, **kwargs)
        card = employment_card_refresh(operative_id=employment.operative_id)
        employment.card, employment.card_expires_on = card, card.expires_on if card else None
        return employment
