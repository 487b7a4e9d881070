"""Fixtures of the organisation tests."""

import pytest

from portal.organisations import services
from portal.organisations.permissions import BUNDLES
from tests.factories import OrganisationFactory

USER_ADMIN = BUNDLES["Full User Admin Access"]


@pytest.fixture
def tree():
    organisation = OrganisationFactory()
    head = organisation.head_office
    north = services.office_create(organisation=organisation, parent=head, name="North Region", kind="region")
    south = services.office_create(organisation=organisation, parent=head, name="South Region", kind="region")
    return organisation, head, north, south
