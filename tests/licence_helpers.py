from datetime import date

from portal.licensing.models import MembershipRecord

VALID = {
    "organisation_name": "Northern Sparks Limited",
    "address": "4 Mill Lane\nLeeds",
    "postcode": "ls1 4ap",
    "telephone": "0113 249 6000",
    "contact_email": "director@northernsparks.example",
    "directly_employed_operatives": "45",
    "services": ["employer_portal", "assessments"],
    "assessment_types": ["fire", "security"],
    "jib_membership_number": "JIB20001",
    "eca_membership_number": "",
    "companies_house_number": "02345678",
    "signatory_name": "Rhona Reid",
    "signatory_job_title": "Managing Director",
    "signatory_position": "director",
    "signed_on": date.today().isoformat(),
    "terms_accepted": "on",
    "primary_title": "Ms",
    "primary_first_name": "Hana",
    "primary_last_name": "Hughes",
    "primary_email": "hana.hughes@northernsparks.example",
    "primary_telephone": "0113 249 6001",
    "primary_mobile": "07700 123301",
}


def membership_records():
    MembershipRecord.objects.get_or_create(
        scheme="jib", number="JIB20001", defaults={"company_name": "Northern Sparks Ltd"}
    )
