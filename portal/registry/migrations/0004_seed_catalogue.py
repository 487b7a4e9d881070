"""Seed the card-application catalogue (reference data: editable in admin afterwards)."""

from django.db import migrations

AWARDING_BODIES = [
    # code, name, reference label, asks learner reference
    ("city-and-guilds", "City & Guilds", "Certificate number", False),
    ("eal", "EAL", "Certificate number", False),
    ("lcl-awards", "LCL Awards", "Certificate number", False),
    ("nocn", "NOCN", "Certificate number", True),
    ("bpec", "BPEC", "Certificate number", False),
    ("net", "NET (AM2)", "AM2 candidate number", False),
]

QUALIFICATIONS = [
    ("city-and-guilds", "2365-03", "Level 3 Diploma in Electrical Installations (Buildings and Structures)"),
    ("city-and-guilds", "2357-13", "Level 3 NVQ Diploma in Installing Electrotechnical Systems and Equipment"),
    ("city-and-guilds", "5357", "Level 3 Electrotechnical Qualification (Installation)"),
    ("city-and-guilds", "5357-M", "Level 3 Electrotechnical Qualification (Maintenance)"),
    ("city-and-guilds", "2382-22", "18th Edition Requirements for Electrical Installations BS 7671"),
    ("city-and-guilds", "2391-52", "Level 3 Award in Initial Verification and Periodic Inspection and Testing"),
    ("eal", "603/3895/8", "Level 3 Electrotechnical Qualification (Installation)"),
    ("eal", "501/1605/8", "Level 3 NVQ Diploma in Electrotechnical Services"),
    ("eal", "603/3417/5", "Level 3 Award in BS 7671 Requirements for Electrical Installations"),
    ("lcl-awards", "603/2426/1", "Level 3 Award in the Requirements for Electrical Installations BS 7671"),
    ("lcl-awards", "601/7345/4", "Level 3 Award in Inspection, Testing and Certification"),
    ("nocn", "603/0765/2", "Level 2 Diploma in Electrical Installation"),
    ("nocn", "601/5440/0", "Level 3 NVQ Diploma in Fire and Security Systems"),
    ("bpec", "600/3837/7", "Level 3 Award in the Installation of Electric Vehicle Charging Equipment"),
    ("net", "AM2", "AM2 Achievement Measurement"),
    ("net", "AM2S", "AM2S Achievement Measurement"),
]

# card type: [(occupation, main, additional, grades, [(requirement, [qualification codes: any one])])]
OCCUPATIONS = {
    "Craft or Related Disciplines": [
        ("Installation Electrician", True, False, ["Electrician", "Approved Electrician", "Technician"], [
            ("A Level 3 electrotechnical qualification", ["2357-13", "5357", "603/3895/8", "501/1605/8"]),
            ("The AM2 or AM2S", ["AM2", "AM2S"]),
            ("The current Wiring Regulations", ["2382-22", "603/3417/5", "603/2426/1"]),
        ]),
        ("Maintenance Electrician", True, False, ["Maintenance Electrician", "Maintenance Electrician Existing"], [
            ("A Level 3 maintenance electrotechnical qualification", ["5357-M", "501/1605/8"]),
            ("The current Wiring Regulations", ["2382-22", "603/3417/5", "603/2426/1"]),
        ]),
        ("Inspection and Testing", False, True, [], [
            ("An inspection and testing qualification", ["2391-52", "601/7345/4"]),
        ]),
        ("Electric Vehicle Charging Installer", False, True, [], [
            ("An EV charging equipment qualification", ["600/3837/7"]),
        ]),
    ],
    "Electrical Labourer": [("Electrical Labourer (2018)", True, False, [], [])],
    "Trainee": [("Trainee Electrician", True, False, [], [
        ("A Level 2 electrical installation qualification", ["603/0765/2", "2365-03"]),
    ])],
    "Experienced Worker": [("Experienced Worker (Electrical)", True, False, [], [])],
    "Managerial": [
        ("Electrical Contracting Manager", True, False, [], []),
        ("Electrical Design Engineer", True, True, [], []),
    ],
    "JIB Registered Apprentice": [("Apprentice Electrician", True, False, [], [])],
    "Non-JIB Registered Apprentice": [("Apprentice Electrician", True, False, [], [])],
    "Fire, Emergency & Security Systems": [
        ("Fire and Security Systems Technician", True, False, ["Installer", "Technician"], [
            ("A fire and security systems qualification", ["601/5440/0"]),
        ]),
    ],
}  # fmt: skip

REFERENCE_TYPES = [
    ("JIB grading record", "The operative's JIB grade as recorded by the JIB: give the JIB grading number."),
    ("Apprenticeship completion certificate", "Upload the certificate of completion of the apprenticeship."),
    ("Letter from the employer", "A signed letter on headed paper confirming the operative's experience."),
]

HSE_EXEMPTIONS = [
    ("Degree in electrical engineering", "Upload the degree certificate (BEng, MEng or equivalent)."),
    ("Chartered or incorporated engineer", "Upload proof of current registration with the Engineering Council."),
    ("Current NEBOSH or IOSH qualification", "Upload the certificate; it must show the date awarded."),
]


def seed(apps, schema_editor):
    AwardingBody = apps.get_model("registry", "AwardingBody")
    QualificationType = apps.get_model("registry", "QualificationType")
    CardType = apps.get_model("registry", "CardType")
    Occupation = apps.get_model("registry", "Occupation")
    Grade = apps.get_model("registry", "Grade")
    Requirement = apps.get_model("registry", "OccupationRequirement")
    ReferenceType = apps.get_model("registry", "ReferenceType")
    HseExemption = apps.get_model("registry", "HseExemption")
    bodies = {}
    for code, name, label, learner in AWARDING_BODIES:
        bodies[code], _ = AwardingBody.objects.get_or_create(
            code=code, defaults={"name": name, "reference_label": label, "asks_learner_reference": learner}
        )
    qualifications = {}
    for body, code, title in QUALIFICATIONS:
        qualifications[code], _ = QualificationType.objects.get_or_create(
            awarding_body=bodies[body], title=title, defaults={"code": code}
        )
    for card_type_name, occupations in OCCUPATIONS.items():
        card_type = CardType.objects.filter(name=card_type_name).first()
        if card_type is None:
            continue
        for position, (name, main, additional, grades, requirements) in enumerate(occupations):
            occupation, created = Occupation.objects.get_or_create(
                card_type=card_type, name=name,
                defaults={"can_be_main": main, "can_be_additional": additional, "position": position},
            )  # fmt: skip
            if not created:
                continue
            for grade_position, grade in enumerate(grades):
                Grade.objects.create(occupation=occupation, name=grade, position=grade_position)
            for description, codes in requirements:
                requirement = Requirement.objects.create(occupation=occupation, description=description)
                requirement.any_of.set([qualifications[c] for c in codes])
    for name, instructions in REFERENCE_TYPES:
        ReferenceType.objects.get_or_create(name=name, defaults={"instructions": instructions})
    for name, evidence in HSE_EXEMPTIONS:
        HseExemption.objects.get_or_create(name=name, defaults={"evidence": evidence})


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_card_application_catalogue")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
