"""Reads for orders: card application prices in integer pence, with the JIB member discount and VAT shown."""

from dataclasses import dataclass

from portal.orders.models import CardPrice


@dataclass(frozen=True)
class Price:
    gross_pence: int
    vat_pence: int
    discount_pence: int

    @property
    def net_pence(self) -> int:
        return self.gross_pence - self.vat_pence


def vat_included(gross_pence: int, rate_basis_points: int) -> int:
    """The VAT inside a VAT-inclusive amount, rounded half up to the penny."""
    return (gross_pence * rate_basis_points * 2 + (10_000 + rate_basis_points)) // (2 * (10_000 + rate_basis_points))


def card_application_price(*, card_type, application_type: str, jib_member: bool) -> Price:
    price = CardPrice.objects.get(card_type=card_type, application_type=application_type)
    discount = price.member_discount_pence if jib_member else 0
    gross = price.price_pence - discount
    return Price(gross_pence=gross, vat_pence=vat_included(gross, price.vat_rate_basis_points), discount_pence=discount)
