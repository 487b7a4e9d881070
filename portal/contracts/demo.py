"""ECS Check demo: a local authority's contract three tiers deep (Brightwire as electrical contractor, a
subcontractor and its own subcontractor), workers in every card status, an invitation waiting and one to a
company without a licence. Built through the services, so each contract and invitation has its process.
Idempotent."""

from datetime import date, timedelta

from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.contracts import services
from portal.contracts.models import Contract, ContractWorker
from portal.employees.models import Employment
from portal.employees.services import employment_card_refresh
from portal.licensing.models import Licence, OrganisationKind
from portal.organisations import services as org_services
from portal.organisations.demo import ACCOUNTS, DEMO_ORGANISATION, DEMO_PASSWORD
from portal.organisations.models import Organisation, PortalUser
from portal.organisations.permissions import BUNDLES, Flag
from portal.registry.models import Card, CardType, Grade, HseResult, Operative

CONTRACT_NAME = "Civic Centre electrical refurbishment"
CHECK = set(BUNDLES["ECS Check"])
COMPANIES = [
    # (name, kind, address, postcode, companies house, user email, first, last, mobile, flags)
    ("Mournside District Council", OrganisationKind.LOCAL_AUTHORITY, "Civic Centre, Lagan Road, Lisburn", "BT28 1AA",
     "", "contracts@mournside.example", "Carys", "Client", "+447700900301",
     {Flag.CREATE_CONTRACTS, Flag.VIEW_CONTRACTS}),
    ("Sparkline Installations Ltd", OrganisationKind.CONTRACTOR, "4 Ohm Way, Belfast", "BT3 9DT", "NI654321",
     "contracts@sparkline.example", "Sam", "Sparkline", "+447700900302", CHECK | set(BUNDLES["Full Employee Access"])),
    ("Cablecraft Services Ltd", OrganisationKind.CONTRACTOR, "9 Conduit Lane, Newry", "BT34 2QX", "NI765432",
     "office@cablecraft.example", "Cora", "Craft", "+447700900303", CHECK | set(BUNDLES["Full Employee Access"])),
    ("Voltedge Data Networks Ltd", OrganisationKind.CONTRACTOR, "2 Fibre Court, Derry", "BT48 7NN", "NI876543",
     "office@voltedge.example", "Vic", "Edge", "+447700900304", CHECK),
]  # fmt: skip
DEMO_ACCOUNTS = [
    ("contracts@mournside.example", "ECS Check client (local authority): creates contracts, sees every tier"),
    ("primary.user@brightwire.example", "ECS Check tier 1: Brightwire, electrical contractor"),
    ("contracts@sparkline.example", "ECS Check tier 2: subcontractor of Brightwire"),
    ("office@cablecraft.example", "ECS Check tier 3: subcontractor of Sparkline"),
    ("office@voltedge.example", "ECS Check: an invitation from Brightwire waiting for an answer"),
]


def load(*, stdout) -> None:
    for email, what in DEMO_ACCOUNTS:
        if (email, what) not in ACCOUNTS:
            ACCOUNTS.append((email, what))
    brightwire = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    if brightwire is None:
        return
    _licence(brightwire, OrganisationKind.CONTRACTOR)
    if Contract.objects.filter(name=CONTRACT_NAME).exists():
        stdout.write("ECS Check demo contract already loaded.")
        return
    council, sparkline, cablecraft, voltedge = (_company(*row) for row in COMPANIES)
    brightwire_user = PortalUser.objects.filter(organisation=brightwire, is_primary_user=True).first()
    today = timezone.localdate()
    contract = services.contract_create(
        client=council.organisation,
        created_by=council.user,
        name=CONTRACT_NAME,
        client_reference="MDC-2026-014",
        site_address="Civic Centre, Lagan Road, Lisburn",
        site_postcode="BT28 1AA",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        description="Rewiring, fire alarm and emergency lighting of the Civic Centre's three floors.",
    )
    installation = CardType.objects.filter(name__icontains="Craft").first()
    grade = (
        Grade.objects.filter(occupation__card_type=installation).order_by("position").first() if installation else None
    )
    services.contract_requirement_add(
        contract=contract,
        actor=council.user,
        description="Electrical installation",
        occupation=grade.occupation if grade else None,
        minimum_grade=grade,
        apprentice_ratio=4,
    )

    def join(inviter, member, parent, role):
        party = services.party_invite(
            contract=contract, invited_by=inviter.user, parent=parent, organisation=member.organisation, role=role
        )
        return services.party_respond(party=party, accept=True, responded_by=member.user)

    tier1 = join(council, brightwire_user, None, "Electrical contractor")
    tier2 = join(brightwire_user, sparkline, tier1, "Fire alarm and emergency lighting")
    tier3 = join(sparkline, cablecraft, tier2, "Cable installation")
    services.party_invite(
        contract=contract, invited_by=brightwire_user.user, parent=tier1, organisation=voltedge.organisation,
        role="Data cabling",
    )  # fmt: skip
    services.party_invite(
        contract=contract, invited_by=council.user, invited_email="office@newleaf-lifts.example",
        invited_name="Newleaf Lifts Ltd", role="Lift electrics",
    )  # fmt: skip
    services.contract_go_live(contract=contract, actor=council.user)

    # Brightwire: six of its current employees.
    for employment in Employment.objects.filter(organisation=brightwire, left_on__isnull=True).order_by("pk")[:6]:
        services.contract_worker_add(
            party=tier1, employment=employment, added_by=brightwire_user.user, on_from=contract.starts_on, consent=True
        )
    # The subcontractors: workers in every card status, and an apprentice.
    statuses = [  # (days until the card expires, cancelled, HS&E pass)
        (600, False, True),  # valid
        (12, False, True),  # expiring within 30 days
        (-20, False, True),  # expired
        (400, True, True),  # cancelled
        (None, False, False),  # no card, no HS&E pass (an apprentice)
    ]
    names = [
        [("Aidan", "Quinn"), ("Bronagh", "Kelly"), ("Ciaran", "Doyle"), ("Dearbhla", "Byrne"), ("Eamon", "Walsh")],
        [("Fionn", "Hughes"), ("Grainne", "Murray"), ("Hugh", "Reilly"), ("Isla", "Kerr"), ("Jamie", "Lynch")],
    ]
    for index, party_user, party in ((0, sparkline, tier2), (1, cablecraft, tier3)):
        for n, (expires_in, cancelled, hse) in enumerate(statuses):
            first, last = names[index][n]
            number = 10 * index + n
            operative = _operative(party_user.organisation, first, last, number, today)
            if expires_in is not None and installation:
                Card.objects.get_or_create(
                    number=f"7700{number:04d}",
                    defaults={
                        "operative": operative,
                        "card_type": installation,
                        "issued_on": today - timedelta(days=700),
                        "expires_on": today + timedelta(days=expires_in),
                        "cancelled_at": timezone.now() - timedelta(days=3) if cancelled else None,
                        "occupation": grade.occupation if grade else None,
                        "grade": grade,
                    },
                )
                employment_card_refresh(operative_id=operative.pk)
            if hse:
                HseResult.objects.get_or_create(
                    number=f"HSE77{number:05d}",
                    defaults={
                        "operative": operative,
                        "taken_on": today - timedelta(days=200),
                        "passed": True,
                        "score": 46,
                        "expires_on": today + timedelta(days=530),
                    },
                )
            employment = Employment.objects.get(operative=operative, organisation=party_user.organisation)
            services.contract_worker_add(
                party=party,
                employment=employment,
                added_by=party_user.user,
                on_from=contract.starts_on,
                consent=True,
                role=ContractWorker.Role.APPRENTICE if expires_in is None else ContractWorker.Role.OPERATIVE,
            )
    # One worker taken off: the history keeps them.
    first_on = contract.workers.filter(party=tier3).order_by("pk").first()
    services.contract_worker_remove(worker=first_on, removed_by=cablecraft.user, off_from=today - timedelta(days=2))
    stdout.write(f"ECS Check: {CONTRACT_NAME} with {contract.parties.count()} companies, three tiers deep.")


def _licence(organisation: Organisation, kind: str) -> Licence:
    licence, _ = Licence.objects.get_or_create(
        organisation=organisation, defaults={"employer_portal": True, "ecs_check": True, "organisation_kind": kind}
    )
    if not licence.ecs_check:
        licence.ecs_check = True
        licence.save(update_fields=["ecs_check"])
    return licence


def _company(name, kind, address, postcode, companies_house, email, first, last, mobile, flags) -> PortalUser:
    organisation = Organisation.objects.filter(name=name).first() or org_services.organisation_create(
        name=name,
        head_office_name=f"{name.split()[0]} Head Office",
        address=address,
        postcode=postcode,
        email=email,
        companies_house_number=companies_house,
    )
    _licence(organisation, kind)
    portal_user = PortalUser.objects.filter(user__email=email).first()
    if portal_user is None:
        user = User.objects.filter(email=email).first() or account_services.user_create(
            email=email, first_name=first, last_name=last, mobile=mobile, password=DEMO_PASSWORD
        )
        portal_user = org_services.portal_user_create(
            user=user,
            organisation=organisation,
            office=organisation.head_office,
            flags=flags,
            is_primary_user=True,
            job_title="Contracts Manager",
        )
    return portal_user


def _operative(organisation: Organisation, first: str, last: str, n: int, today: date) -> Operative:
    operative, _ = Operative.objects.get_or_create(
        ni_number=f"JC77{n:04d}A",
        defaults={"first_name": first, "last_name": last, "date_of_birth": date(1988, 3, 1 + n % 28)},
    )
    Employment.objects.get_or_create(
        operative=operative,
        organisation=organisation,
        left_on=None,
        defaults={
            "office": organisation.head_office,
            "started_on": today - timedelta(days=400),
            "last_name": operative.last_name,
            "first_name": operative.first_name,
        },
    )
    return operative
