"""200 demo operatives with ECS records: cards (some expiring within three months, some expired), HS&E, qualifications.

Deterministic (seeded random), idempotent: nothing is added when the demo operatives exist.
"""

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from portal.registry.models import Card, CardType, HseResult, Operative, Qualification

DEMO_COUNT = 200
FIRST_NAMES = [
    "Albert", "Jeff", "Daniel", "Amira", "Bethan", "Callum", "Dylan", "Eilidh", "Farah", "Gareth", "Hannah",
    "Imran", "Jasmine", "Kieran", "Lowri", "Mohammed", "Niamh", "Owen", "Priya", "Rhys", "Sofia", "Tariq",
    "Uma", "Wyn", "Zara", "Liam", "Chloe", "Ethan", "Grace", "Noah",
]  # fmt: skip
LAST_NAMES = [
    "Fisher", "Jones", "Mac", "Ahmed", "Evans", "Campbell", "Davies", "Fraser", "Khan", "Griffiths", "Hughes",
    "Iqbal", "Jenkins", "Kelly", "Lloyd", "Morgan", "Nolan", "Owens", "Patel", "Roberts", "Smith", "Thomas",
    "Usman", "Williams", "Young", "Walsh", "Clarke", "Edwards", "Green", "Nash",
]  # fmt: skip
QUALIFICATIONS = [
    ("Level 3 NVQ Diploma in Installing Electrotechnical Systems and Equipment", "City & Guilds"),
    ("Level 3 Electrotechnical Qualification (5357)", "City & Guilds"),
    ("AM2 Achievement Measurement", "NET"),
    ("18th Edition Requirements for Electrical Installations BS 7671 (2382-22)", "City & Guilds"),
    ("Level 3 Award in the Initial Verification and Periodic Inspection (2391-52)", "City & Guilds"),
    ("Level 3 NVQ Diploma in Electrotechnical Services", "EAL"),
]
PREFIXES = ["AB", "CE", "JR", "KA", "LM", "NP", "PR", "RS", "SW", "WX"]


def demo_ni_number(index: int) -> str:
    return f"{PREFIXES[index % len(PREFIXES)]}{700000 + index:06d}{'ABCD'[index % 4]}"


def load(*, stdout) -> None:
    if Operative.objects.filter(ni_number=demo_ni_number(0)).exists():
        stdout.write("Demo ECS records already loaded.")
        return
    rng = random.Random(2026)
    today = date.today()
    card_types = {t.short_name: t for t in CardType.objects.all()}
    weighted = ["Craft"] * 6 + ["Labourer"] * 2 + ["Trainee", "Managerial", "JIB Apprentice", "Experienced Worker"]
    operatives = [
        Operative(
            title=rng.choice(["Mr", "Mrs", "Ms", "Miss", ""]),
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)],
            gender=rng.choice(["M", "F", "M", "M"]),
            date_of_birth=date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38)),
            ni_number=demo_ni_number(i),
            registered_electrician_since=date(2018, 9, 3) if i % 5 == 0 else None,
            qualified_supervisor_since=date(2020, 5, 1) if i % 17 == 0 else None,
        )
        for i in range(DEMO_COUNT)
    ]
    Operative.objects.bulk_create(operatives, batch_size=500)
    operatives = list(Operative.objects.filter(ni_number__in=[demo_ni_number(i) for i in range(DEMO_COUNT)]))
    operatives.sort(key=lambda o: o.ni_number[2:8])
    cards, results, qualifications = [], [], []
    for i, operative in enumerate(operatives):
        if i % 20 == 19:
            continue  # a few operatives hold no card yet
        card_type = card_types[weighted[i % len(weighted)]]
        # Spread expiry: about 15% expired, 15% expiring within three months, the rest valid.
        bucket = i % 20
        if bucket < 3:
            expires = today - timedelta(days=rng.randrange(1, 400))
        elif bucket < 6:
            expires = today + timedelta(days=rng.randrange(1, 88))
        else:
            expires = today + timedelta(days=rng.randrange(95, 30 * card_type.duration_months))
        issued = expires - relativedelta(months=card_type.duration_months)
        cards.append(
            Card(operative=operative, card_type=card_type, number=f"{40000000 + i * 37:08d}", issued_on=issued,
                 expires_on=expires)
        )  # fmt: skip
        taken = today - timedelta(days=rng.randrange(30, 820))
        passed = i % 11 != 0
        results.append(
            HseResult(operative=operative, number=f"HSE{5000000 + i:07d}", taken_on=taken, passed=passed,
                      score=rng.randrange(43, 51) if passed else rng.randrange(30, 43),
                      expires_on=taken + relativedelta(years=2) if passed else None)
        )  # fmt: skip
        title, body = QUALIFICATIONS[i % len(QUALIFICATIONS)]
        qualifications.append(
            Qualification(operative=operative, title=title, awarding_body=body,
                          certificate_number=f"C{900000 + i}", awarded_on=issued - timedelta(days=60), verified=True)
        )  # fmt: skip
    Card.objects.bulk_create(cards, batch_size=500)
    HseResult.objects.bulk_create(results, batch_size=500)
    Qualification.objects.bulk_create(qualifications, batch_size=500)
    stdout.write(f"{len(operatives)} demo operatives with {len(cards)} cards loaded.")
