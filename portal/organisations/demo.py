"""Demo organisation, its office tree and users, the JIB and its staff. Idempotent."""

from portal.accounts import services as account_services
from portal.accounts.models import JibTeam, User
from portal.organisations import services
from portal.organisations.models import Office, Organisation
from portal.organisations.permissions import ALL_FLAGS, BUNDLES, Flag

DEMO_PASSWORD = "Demo-password-2026"
DEMO_ORGANISATION = "Brightwire Electrical Ltd"

JIB_STAFF = [
    ("licensing@jib.example", "Lena", "Lister", "+447700900101", [JibTeam.LICENSING]),
    ("verification@jib.example", "Victor", "Vance", "+447700900102", [JibTeam.VERIFICATION]),
    ("processing@jib.example", "Priya", "Patel", "+447700900103", [JibTeam.PROCESSING]),
    ("finance@jib.example", "Fiona", "Finch", "+447700900104", [JibTeam.FINANCE]),
    ("teamleader@jib.example", "Tom", "Taylor", "+447700900105", [JibTeam.TEAM_LEADER, JibTeam.VERIFICATION]),
    ("manager@jib.example", "Mina", "Moss", "+447700900106", [JibTeam.MANAGER, JibTeam.TEAM_LEADER]),
]

ACCOUNTS = [
    ("primary.user@brightwire.example", "Primary User at head office, every permission"),
    (
        "north.manager@brightwire.example",
        "Regional manager, North Region: Full Employee Access, Can View Card Applications",
    ),
    *[(email, f"JIB {', '.join(t.label for t in teams)}") for email, _, _, _, teams in JIB_STAFF],
    ("admin@jib.example", "Superuser: Django admin and the SMS outbox"),
]


def load(*, stdout) -> None:
    _jib(stdout)
    _brightwire(stdout)


def _jib(stdout) -> None:
    if not Organisation.objects.filter(is_jib=True).exists():
        services.organisation_create(
            name="The Electrotechnical Joint Industry Board",
            head_office_name="JIB Head Office",
            is_jib=True,
            address="Kingswood House, 47-51 Sidcup Hill, Sidcup, Kent",
            postcode="DA14 6HP",
            telephone="02083028330",
        )
    for email, first, last, mobile, teams in JIB_STAFF:
        if not User.objects.filter(email=email).exists():
            account_services.jib_staff_create(
                email=email, first_name=first, last_name=last, mobile=mobile, teams=teams, password=DEMO_PASSWORD
            )
    if not User.objects.filter(email="admin@jib.example").exists():
        admin = User.objects.create_superuser(
            "admin@jib.example", DEMO_PASSWORD, first_name="Ada", last_name="Admin", mobile="+447700900100"
        )
        account_services.second_factor_for(user=admin)
    stdout.write("JIB staff and administrator ready.")


def _brightwire(stdout) -> None:
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    if organisation is None:
        organisation = services.organisation_create(
            name=DEMO_ORGANISATION,
            head_office_name="Brightwire Head Office",
            address="12 Volta Street, Manchester",
            postcode="M4 5JD",
            telephone="01612345678",
            email="office@brightwire.example",
            jib_membership_number="JIB12345",
            companies_house_number="01234567",
        )
        head = organisation.head_office
        north = services.office_create(organisation=organisation, parent=head, name="North Region", kind="region")
        south = services.office_create(organisation=organisation, parent=head, name="South Region", kind="region")
        services.office_create(organisation=organisation, parent=north, name="Manchester Office", postcode="M1 1AE")
        services.office_create(organisation=organisation, parent=north, name="Leeds Office", postcode="LS1 4AP")
        services.office_create(organisation=organisation, parent=south, name="Bristol Office", postcode="BS1 4DJ")
    offices = {office.name: office for office in Office.objects.filter(organisation=organisation)}
    people = [
        ("primary.user@brightwire.example", "Priscilla", "Prime", "+447700900001", "Brightwire Head Office",
         set(ALL_FLAGS), True, "HR Manager"),
        ("north.manager@brightwire.example", "Nathan", "North", "+447700900002", "North Region",
         {*BUNDLES["Full Employee Access"], Flag.VIEW_APPLICATIONS}, False, "Regional Manager"),
    ]  # fmt: skip
    for email, first, last, mobile, office_name, flags, primary, job_title in people:
        if User.objects.filter(email=email).exists():
            continue
        user = account_services.user_create(
            email=email, first_name=first, last_name=last, mobile=mobile, password=DEMO_PASSWORD
        )
        services.portal_user_create(
            user=user,
            organisation=organisation,
            office=offices[office_name],
            flags=flags,
            is_primary_user=primary,
            job_title=job_title,
        )
    stdout.write(f"{DEMO_ORGANISATION}: offices and portal users ready.")
