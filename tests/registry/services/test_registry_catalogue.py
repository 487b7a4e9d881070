"""The seeded card-application catalogue, and which occupations the held qualifications allow."""

import pytest

from portal.registry.models import AwardingBody, CardType, HseExemption, QualificationType
from portal.registry.selectors import occupations_offered

pytestmark = pytest.mark.django_db


def test_catalogue_is_seeded():
    assert {"City & Guilds", "EAL", "LCL Awards", "NOCN", "BPEC"} <= set(
        AwardingBody.objects.values_list("name", flat=True)
    )
    craft = CardType.objects.get(name="Craft or Related Disciplines")
    names = [o.name for o in craft.occupations.all()]
    assert "Installation Electrician" in names and "Maintenance Electrician" in names
    installation = craft.occupations.get(name="Installation Electrician")
    assert [g.name for g in installation.grades.all()] == ["Electrician", "Approved Electrician", "Technician"]
    assert HseExemption.objects.exists()


def test_occupation_offered_only_when_every_requirement_is_met(django_assert_max_num_queries):
    craft = CardType.objects.get(name="Craft or Related Disciplines")
    level3 = QualificationType.objects.get(code="5357")
    am2 = QualificationType.objects.get(code="AM2")
    regs = QualificationType.objects.get(code="2382-22")
    with django_assert_max_num_queries(5):
        partly = {o.name: (ok, missing) for o, ok, missing in occupations_offered(
            card_type=craft, held_qualification_ids={level3.pk, am2.pk})}  # fmt: skip
    ok, missing = partly["Installation Electrician"]
    assert not ok and [m.description for m in missing] == ["The current Wiring Regulations"]
    fully = {
        o.name: ok
        for o, ok, _ in occupations_offered(card_type=craft, held_qualification_ids={level3.pk, am2.pk, regs.pk})
    }
    assert fully["Installation Electrician"] is True
    assert fully["Inspection and Testing"] is False
