"""The published assessment catalogue: what the data migration loads (editable in the admin afterwards)."""

from portal.licensing.models import AssessmentType as LicensedType

HSE = {
    "code": "hse",
    "name": "HS&E Assessment",
    "description": "The Health, Safety & Environmental assessment for England, Wales and Northern Ireland.",
    "price_pence": 4_200,
    "duration_minutes": 60,
    "question_count": 50,
    "pass_mark_percent": 80,
    "pass_valid_years": 2,
    "position": 0,
}

SPECIALIST = {
    LicensedType.ELECTRICAL_SAFETY_UNIT: ("Electrical Safety Unit assessment", 4_800),
    LicensedType.SECURITY: ("Security assessment", 4_800),
    LicensedType.FIRE: ("Fire assessment", 4_800),
    LicensedType.FIRE_AND_SECURITY: ("Fire and Security assessment", 5_400),
    LicensedType.FIRE_AND_EMERGENCY_LIGHTING: ("Fire and Emergency Lighting assessment", 5_400),
    LicensedType.NETWORK_INFRASTRUCTURE: ("Network Infrastructure assessment", 4_800),
}


def catalogue() -> list[dict]:
    rows = [HSE]
    for position, (code, (name, price)) in enumerate(SPECIALIST.items(), start=1):
        rows.append(
            {
                "code": str(code.value),
                "name": name,
                "description": f"The ECS {code.label} assessment, by remote invigilation.",
                "price_pence": price,
                "duration_minutes": 25,
                "question_count": 15,
                "pass_mark_percent": 75,
                "pass_valid_years": 3,
                "position": position,
            }
        )
    return rows
