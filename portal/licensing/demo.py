"""Membership records and two licence applications waiting in the licensing queue. Idempotent."""

from datetime import date

from portal.licensing import services
from portal.licensing.models import LicenceApplication, MembershipRecord

MEMBERS = [
    ("jib", "JIB12345", "Brightwire Electrical Ltd"),
    ("jib", "JIB20001", "Northern Sparks Limited"),
    ("eca", "ECA30001", "Northern Sparks Limited"),
    ("eca", "ECA30002", "Light & Power Installations Ltd"),
    ("jib", "JIB20002", "Old Wiring Co", False),
]

APPLICATIONS = [
    {
        "organisation_name": "Northern Sparks Limited",
        "address": "4 Mill Lane\nLeeds",
        "postcode": "LS1 4AP",
        "telephone": "+441132496000",
        "contact_email": "director@northernsparks.example",
        "signatory_name": "Rhona Reid",
        "signatory_job_title": "Managing Director",
        "signatory_position": "director",
        "terms_accepted": True,
        "jib_membership_number": "JIB20001",
        "eca_membership_number": "ECA30001",
        "companies_house_number": "02345678",
        "directly_employed_operatives": 45,
        "wants_employer_portal": True,
        "wants_ecs_check": True,
        "wants_assessments": False,
        "assessment_types": [],
        "primary_title": "Ms",
        "primary_first_name": "Hana",
        "primary_last_name": "Hughes",
        "primary_email": "hana.hughes@northernsparks.example",
        "primary_telephone": "+441132496001",
        "primary_mobile": "+447700123301",
    },
    {
        "organisation_name": "Circuit Solutions (UK) Ltd",
        "address": "Unit 7 Trade Park\nBristol",
        "postcode": "BS1 4DJ",
        "telephone": "+441179000000",
        "contact_email": "ceo@circuitsolutions.example",
        "signatory_name": "Carl Cole",
        "signatory_job_title": "Chief Executive",
        "signatory_position": "ceo",
        "terms_accepted": True,
        "companies_house_number": "03456789",
        "directly_employed_operatives": 12,
        "wants_employer_portal": True,
        "wants_ecs_check": False,
        "wants_assessments": True,
        "assessment_types": ["electrical_safety_unit", "fire"],
        "primary_title": "Mr",
        "primary_first_name": "Idris",
        "primary_last_name": "Ince",
        "primary_email": "idris.ince@circuitsolutions.example",
        "primary_mobile": "+447700123302",
    },
]


def load(*, stdout) -> None:
    for scheme, number, name, *current in MEMBERS:
        MembershipRecord.objects.get_or_create(
            scheme=scheme, number=number, defaults={"company_name": name, "is_current": current[0] if current else True}
        )
    for data in APPLICATIONS:
        if LicenceApplication.objects.filter(organisation_name=data["organisation_name"]).exists():
            continue
        # The automated checks run when the Prefect worker starts (it hands over every waiting job).
        application = services.licence_application_submit(data={**data, "signed_on": date.today()})
        stdout.write(f"Licence application {application.reference} ({application.organisation_name}) is waiting.")
