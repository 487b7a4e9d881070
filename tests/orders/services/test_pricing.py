import pytest

from portal.orders.models import CardPrice
from portal.orders.selectors import card_application_price, vat_included
from portal.registry.models import CardType

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("gross", "vat"), [(3600, 600), (3000, 500), (4200, 700), (5400, 900), (1, 0), (7, 1), (25000, 4167)]
)
def test_vat_inside_an_inclusive_price(gross, vat):
    assert vat_included(gross, 2000) == vat


def test_member_discount_applies_only_to_members():
    craft = CardType.objects.get(name="Craft or Related Disciplines")
    member = card_application_price(card_type=craft, application_type="initial", jib_member=True)
    other = card_application_price(card_type=craft, application_type="initial", jib_member=False)
    assert (other.gross_pence, other.vat_pence, other.net_pence, other.discount_pence) == (3600, 600, 3000, 0)
    assert (member.gross_pence, member.vat_pence, member.discount_pence) == (3000, 500, 600)


def test_non_renewable_cards_have_no_renewal_price():
    experienced = CardType.objects.get(name="Experienced Worker")
    assert not CardPrice.objects.filter(card_type=experienced, application_type="renewal").exists()
    with pytest.raises(CardPrice.DoesNotExist):
        card_application_price(card_type=experienced, application_type="renewal", jib_member=True)
