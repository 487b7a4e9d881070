"""Fixtures of the organisation tests."""

import pytest

from portal.organisations import services
from portal.organisations.permissions import BUNDLES
from tests.factories import OrganisationFactory

USER_ADMIN = BUNDLES["Full User Admin Access"]


@pytest.fixture
def two_regions():
    """An organisation with a North and a South region under its head office."""
    organisation = OrganisationFactory()
    head = organisation.head_office
    north = services.office_create(organisation=organisation, parent=head, name="North Region", kind="region")
    south = services.office_create(organisation=organisation, parent=head, name="South Region", kind="region")
    return organisation, head, north, south


@pytest.fixture
def office_tree():
    """Head office, North and South regions, Leeds under North and Bristol under South."""
    organisation = OrganisationFactory(name="Tree Electrical Ltd")
    head = organisation.head_office
    north = services.office_create(organisation=organisation, parent=head, name="North", kind="region")
    south = services.office_create(organisation=organisation, parent=head, name="South", kind="region")
    leeds = services.office_create(organisation=organisation, parent=north, name="Leeds")
    bristol = services.office_create(organisation=organisation, parent=south, name="Bristol")
    return organisation, head, north, south, leeds, bristol
