"""An organisation with a region, an office under it and a sibling office, and users in and out of scope."""

from dataclasses import dataclass

import pytest

from portal.organisations.models import PortalUser
from portal.organisations.permissions import Flag
from tests.factories import OfficeFactory, OrganisationFactory, PortalUserFactory


@dataclass
class World:
    office: object
    sibling: object
    above: PortalUser  # every flag, at the region above the office
    at_office: PortalUser  # every flag, at the office
    sibling_user: PortalUser  # every flag, at the sibling office: outside the scope
    no_flag: PortalUser  # at the region, may only view employees
    other_organisation: PortalUser  # every flag, in another organisation

    @property
    def in_scope(self) -> set[int]:
        return {self.above.user_id, self.at_office.user_id}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True


@pytest.fixture
def world(organisation):
    region = OfficeFactory(organisation=organisation, name="North Region", kind="region")
    office = OfficeFactory(organisation=organisation, parent=region, name="Leeds Office")
    sibling = OfficeFactory(organisation=organisation, parent=region, name="York Office")
    return World(
        office=office,
        sibling=sibling,
        above=PortalUserFactory(organisation=organisation, office=region, all_flags=True),
        at_office=PortalUserFactory(organisation=organisation, office=office, all_flags=True),
        sibling_user=PortalUserFactory(organisation=organisation, office=sibling, all_flags=True),
        no_flag=PortalUserFactory(organisation=organisation, office=region, flags=[Flag.VIEW_EMPLOYEES]),
        other_organisation=PortalUserFactory(organisation=OrganisationFactory(), all_flags=True),
    )
