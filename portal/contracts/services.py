"""Writes for ECS Check: contracts, their supply chain and their workers. Each change is recorded as a
ContractEvent and the facts the set-up process follows are announced (portal.contracts.signals)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.contracts import signals
from portal.contracts.models import (
    INVITATION_LIFETIME,
    Contract,
    ContractEvent,
    ContractParty,
    ContractRequirement,
    ContractWorker,
    path_segment,
)
from portal.core.services import background_job_enqueue
from portal.employees.models import Employment
from portal.organisations.models import Organisation, PortalUser
from portal.organisations.permissions import Flag

# The outbox kind whose jobs send one contract email (reference "<party id>:<what>").
EMAIL_KIND = "contract_email"
REMINDER_AFTER_DAYS = (3, 7, 11)  # reminders of an unanswered invitation, days after it was sent
# Who in an invited company is told of an invitation and may answer it.
ANSWER_FLAGS = (Flag.ADD_SUBCONTRACTORS, Flag.MANAGE_CONTRACT_WORKERS)


class ContractError(Exception):
    """A rule refused the change; the message is for the user. `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _event(contract: Contract, kind: str, what: str, *, actor: User | None, party=None, worker=None) -> ContractEvent:
    return ContractEvent.objects.create(
        contract=contract, kind=kind, what=what, actor=actor, party=party, worker=worker
    )


def _locked_contract(contract_id: int) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract_id)


def contract_create(
    *,
    client: Organisation,
    created_by: User,
    name: str,
    site_address: str,
    site_postcode: str,
    starts_on: date,
    ends_on: date,
    client_reference: str = "",
    description: str = "",
) -> Contract:
    if ends_on < starts_on:
        raise ContractError("The end date must be on or after the start date.", field="ends_on")
    with transaction.atomic():
        contract = Contract.objects.create(
            client=client,
            created_by=created_by,
            name=name.strip(),
            client_reference=client_reference.strip(),
            site_address=site_address.strip(),
            site_postcode=site_postcode.strip().upper(),
            starts_on=starts_on,
            ends_on=ends_on,
            description=description.strip(),
        )
        _event(contract, ContractEvent.Kind.CREATED, f"Contract {contract.name} created.", actor=created_by)
        signals.contract_created.send(sender=Contract, contract=contract, actor=created_by)
    return contract


def contract_update(*, contract: Contract, actor: User, **changes) -> Contract:
    """Change the contract's details while it is open (the same fields as contract_create)."""
    with transaction.atomic():
        contract = _locked_contract(contract.pk)
        if not contract.is_open:
            raise ContractError("A completed or cancelled contract cannot be changed.")
        for name, value in changes.items():
            setattr(contract, name, value.strip() if isinstance(value, str) else value)
        if contract.ends_on < contract.starts_on:
            raise ContractError("The end date must be on or after the start date.", field="ends_on")
        contract.save()
        _event(contract, ContractEvent.Kind.CHANGED, "Contract details changed.", actor=actor)
    return contract


def contract_requirement_add(
    *,
    contract: Contract,
    actor: User,
    description: str,
    card_type_family=None,
    occupation=None,
    minimum_grade=None,
    apprentice_ratio: int | None = None,
) -> ContractRequirement:
    if minimum_grade is not None and occupation is not None and minimum_grade.occupation_id != occupation.pk:
        raise ContractError(f"{minimum_grade} is not a grade of {occupation}.", field="minimum_grade")
    if minimum_grade is not None and occupation is None:
        occupation = minimum_grade.occupation
    if apprentice_ratio is not None and apprentice_ratio < 2:
        raise ContractError("Enter 2 or more (1 apprentice in every 2 or more workers).", field="apprentice_ratio")
    with transaction.atomic():
        contract = _locked_contract(contract.pk)
        if not contract.is_open:
            raise ContractError("A completed or cancelled contract cannot be changed.")
        requirement = ContractRequirement.objects.create(
            contract=contract,
            description=description.strip(),
            card_type_family=card_type_family,
            occupation=occupation,
            minimum_grade=minimum_grade,
            apprentice_ratio=apprentice_ratio,
        )
        _event(contract, ContractEvent.Kind.CHANGED, f"Requirement added: {requirement.description}.", actor=actor)
    return requirement


def contract_requirement_remove(*, requirement: ContractRequirement, actor: User) -> None:
    with transaction.atomic():
        contract = _locked_contract(requirement.contract_id)
        if not contract.is_open:
            raise ContractError("A completed or cancelled contract cannot be changed.")
        requirement.delete()
        _event(contract, ContractEvent.Kind.CHANGED, f"Requirement removed: {requirement.description}.", actor=actor)


def party_invite(
    *,
    contract: Contract,
    invited_by: User,
    parent: ContractParty | None = None,
    organisation: Organisation | None = None,
    invited_email: str = "",
    invited_name: str = "",
    role: str = "",
    today: date | None = None,
) -> ContractParty:
    """Invite a company into the supply chain: below `parent` (None: tier 1, the client's own invitation).
    A licensed organisation is told in the portal and by email; an unlicensed company, given by email, is invited
    to apply for a licence."""
    today = today or timezone.localdate()
    if organisation is None and not invited_email:
        raise ContractError("Choose a licensed organisation, or give the company's email address.", field="company")
    if organisation is not None and organisation.pk == contract.client_id:
        raise ContractError("The client cannot be invited into its own contract's supply chain.", field="company")
    with transaction.atomic():
        contract = _locked_contract(contract.pk)
        if not contract.is_open:
            raise ContractError("A completed or cancelled contract cannot take new companies.")
        if parent is not None:
            parent = ContractParty.objects.select_for_update().get(pk=parent.pk, contract=contract)
            if not parent.is_live:
                raise ContractError("Only a company that accepted its invitation can invite subcontractors.")
            if organisation is not None and organisation.pk == parent.organisation_id:
                raise ContractError("A company cannot subcontract to itself.", field="company")
        if organisation is not None:
            live = ContractParty.objects.filter(
                contract=contract, organisation=organisation, status__in=[ContractParty.Status.INVITED, "accepted"]
            )
            if live.exists():
                raise ContractError(f"{organisation.name} is already in this contract's supply chain.", field="company")
        elif ContractParty.objects.filter(
            contract=contract, invited_email__iexact=invited_email, status=ContractParty.Status.INVITED
        ).exists():
            raise ContractError(f"{invited_email} has already been invited to this contract.", field="company")
        try:
            with transaction.atomic():
                party = ContractParty.objects.create(
                    contract=contract,
                    organisation=organisation,
                    invited_email=invited_email.strip().lower(),
                    invited_name=(invited_name or (organisation.name if organisation else "")).strip(),
                    parent=parent,
                    tier=(parent.tier + 1) if parent else 1,
                    role=role.strip(),
                    invited_by=invited_by,
                    expires_on=today + INVITATION_LIFETIME,
                    path="",
                )
        except IntegrityError:
            raise ContractError("That company is already in this contract's supply chain.", field="company") from None
        party.path = (parent.path if parent else "") + path_segment(party.pk)
        party.save(update_fields=["path"])
        by = f" by {parent.display_name}" if parent else ""
        _event(
            contract,
            ContractEvent.Kind.INVITED,
            f"{party.display_name} invited{by} (tier {party.tier}).",
            actor=invited_by,
            party=party,
        )
        background_job_enqueue(kind=EMAIL_KIND, ref=f"{party.pk}:invited")
        signals.party_invited.send(sender=ContractParty, party=party, actor=invited_by)
    return party


def party_respond(
    *, party: ContractParty, accept: bool, responded_by: User, today: date | None = None
) -> ContractParty:
    """The invited company accepts or declines. An expired invitation can no longer be answered."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _locked_contract(party.contract_id)
        party = ContractParty.objects.select_for_update(of=("self",)).select_related("contract").get(pk=party.pk)
        if party.status != ContractParty.Status.INVITED:
            raise ContractError(f"This invitation has already been answered ({party.get_status_display().lower()}).")
        if party.invitation_expired_on(today):
            raise ContractError("This invitation has expired. Ask the company that invited you to invite you again.")
        if not party.contract.is_open:
            raise ContractError("This contract is no longer open.")
        party.status = ContractParty.Status.ACCEPTED if accept else ContractParty.Status.DECLINED
        party.responded_by, party.responded_at = responded_by, timezone.now()
        party.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
        kind = ContractEvent.Kind.ACCEPTED if accept else ContractEvent.Kind.DECLINED
        what = "accepted" if accept else "declined"
        _event(party.contract, kind, f"{party.display_name} {what} the invitation.", actor=responded_by, party=party)
        signals.party_responded.send(sender=ContractParty, party=party, actor=responded_by)
    return party


def party_link_organisation(*, party: ContractParty, organisation: Organisation, actor: User | None) -> ContractParty:
    """An unlicensed company invited by email now holds a licence: its invitation becomes the organisation's."""
    with transaction.atomic():
        party = ContractParty.objects.select_for_update(of=("self",)).select_related("contract").get(pk=party.pk)
        if party.organisation_id is not None:
            raise ContractError("This invitation already belongs to an organisation.")
        if organisation.pk == party.contract.client_id or (
            ContractParty.objects.filter(
                contract_id=party.contract_id,
                organisation=organisation,
                status__in=[ContractParty.Status.INVITED, ContractParty.Status.ACCEPTED],
            ).exists()
        ):
            raise ContractError(f"{organisation.name} is already in this contract's supply chain.")
        party.organisation = organisation
        party.save(update_fields=["organisation", "updated_at"])
        _event(
            party.contract, ContractEvent.Kind.CHANGED, f"{organisation.name} now licensed.", actor=actor, party=party
        )
    return party


def party_remove(*, party: ContractParty, actor: User) -> ContractParty:
    """Take a company (and its branch below it) out of the supply chain; its workers come off the contract."""
    today = timezone.localdate()
    with transaction.atomic():
        contract = _locked_contract(party.contract_id)
        branch = list(
            ContractParty.objects.select_for_update()
            .filter(contract=contract, path__startswith=party.path)
            .exclude(status__in=[ContractParty.Status.REMOVED, ContractParty.Status.DECLINED])
        )
        for member in branch:
            was_invited = member.status == ContractParty.Status.INVITED
            member.status = ContractParty.Status.REMOVED
            member.save(update_fields=["status", "updated_at"])
            _event(
                contract, ContractEvent.Kind.PARTY_REMOVED, f"{member.display_name} removed.", actor=actor, party=member
            )
            if was_invited:  # the invitation is withdrawn unanswered
                signals.party_expired.send(sender=ContractParty, party=member)
        ContractWorker.objects.filter(party__in=branch, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=actor, off_from=today
        )
    party.refresh_from_db()
    return party


def parties_remind(*, today: date | None = None) -> int:
    """Send reminders of unanswered invitations (after 3, 7 and 11 days). Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    waiting = ContractParty.objects.filter(
        status=ContractParty.Status.INVITED,
        contract__status__in=[Contract.Status.SETTING_UP, Contract.Status.IN_PROGRESS],
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    for party_id in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            party = ContractParty.objects.select_for_update(of=("self",)).select_related("contract").get(pk=party_id)
            if party.status != ContractParty.Status.INVITED or party.reminders_sent >= len(REMINDER_AFTER_DAYS):
                continue
            due = timezone.localdate(party.invited_at) + timedelta(days=REMINDER_AFTER_DAYS[party.reminders_sent])
            if due > today:
                continue
            party.reminders_sent += 1
            party.last_reminded_at = timezone.now()
            party.save(update_fields=["reminders_sent", "last_reminded_at", "updated_at"])
            _event(
                party.contract,
                ContractEvent.Kind.REMINDED,
                f"Reminder {party.reminders_sent} sent to {party.display_name}.",
                actor=None,
                party=party,
            )
            background_job_enqueue(kind=EMAIL_KIND, ref=f"{party.pk}:reminder")
            sent += 1
    return sent


def parties_expire(*, today: date | None = None) -> int:
    """Invitations unanswered past their expiry date expire. Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    for party_id in ContractParty.objects.filter(status=ContractParty.Status.INVITED, expires_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            party = ContractParty.objects.select_for_update(of=("self",)).select_related("contract").get(pk=party_id)
            if not party.invitation_expired_on(today):
                continue
            party.status = ContractParty.Status.EXPIRED
            party.save(update_fields=["status", "updated_at"])
            _event(
                party.contract,
                ContractEvent.Kind.EXPIRED,
                f"The invitation to {party.display_name} expired unanswered.",
                actor=None,
                party=party,
            )
            signals.party_expired.send(sender=ContractParty, party=party)
            expired += 1
    return expired


def contract_go_live(*, contract: Contract, actor: User | None) -> Contract:
    """The contract is set up: it goes in progress. At least one company must have accepted."""
    with transaction.atomic():
        contract = _locked_contract(contract.pk)
        if contract.status != Contract.Status.SETTING_UP:
            raise ContractError("Only a contract being set up can start.")
        if not contract.parties.filter(status=ContractParty.Status.ACCEPTED).exists():
            raise ContractError("At least one company must accept its invitation before the contract starts.")
        contract.status, contract.went_live_at = Contract.Status.IN_PROGRESS, timezone.now()
        contract.save(update_fields=["status", "went_live_at", "updated_at"])
        _event(contract, ContractEvent.Kind.LIVE, "Contract in progress.", actor=actor)
        signals.contract_went_live.send(sender=Contract, contract=contract, actor=actor)
    return contract


def contracts_start_due(*, today: date | None = None) -> int:
    """Contracts being set up whose start date came, with at least one company that accepted, go live."""
    today = today or timezone.localdate()
    started = 0
    due = Contract.objects.filter(status=Contract.Status.SETTING_UP, starts_on__lte=today, ends_on__gte=today).filter(
        parties__status=ContractParty.Status.ACCEPTED
    )
    for contract in due.distinct():
        try:
            contract_go_live(contract=contract, actor=None)
            started += 1
        except ContractError:
            continue
    return started


def contract_cancel(*, contract: Contract, actor: User) -> Contract:
    with transaction.atomic():
        contract = _locked_contract(contract.pk)
        if not contract.is_open:
            raise ContractError("This contract is already closed.")
        _close(contract, Contract.Status.CANCELLED, actor=actor)
    return contract


def _close(contract: Contract, status: str, *, actor: User | None) -> None:
    contract.status, contract.completed_at = status, timezone.now()
    contract.save(update_fields=["status", "completed_at", "updated_at"])
    ContractParty.objects.filter(contract=contract, status=ContractParty.Status.INVITED).update(
        status=ContractParty.Status.EXPIRED
    )
    if status == Contract.Status.COMPLETED:
        _event(contract, ContractEvent.Kind.COMPLETED, "Contract completed at its end date.", actor=actor)
    else:
        _event(contract, ContractEvent.Kind.CANCELLED, "Contract cancelled.", actor=actor)
    signals.contract_completed.send(sender=Contract, contract=contract)


def contracts_complete_ended(*, today: date | None = None) -> int:
    """Open contracts whose end date has passed are completed (run daily). Returns how many."""
    today = today or timezone.localdate()
    completed = 0
    for contract_id in Contract.objects.filter(
        status__in=[Contract.Status.SETTING_UP, Contract.Status.IN_PROGRESS], ends_on__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            contract = _locked_contract(contract_id)
            if not contract.is_open or contract.ends_on >= today:
                continue
            _close(contract, Contract.Status.COMPLETED, actor=None)
            completed += 1
    return completed


def contract_worker_add(
    *,
    party: ContractParty,
    employment: Employment,
    added_by: User,
    on_from: date,
    off_from: date | None = None,
    role: str = ContractWorker.Role.OPERATIVE,
    consent: bool,
) -> ContractWorker:
    """Put one of the company's own current employees on the contract; their permission must be confirmed."""
    if not consent:
        raise ContractError(
            "Confirm that the operative has given permission to be put on this contract.", field="consent"
        )
    if off_from is not None and off_from <= on_from:
        raise ContractError("The date off the contract must be after the date on.", field="off_from")
    with transaction.atomic():
        contract = _locked_contract(party.contract_id)
        if on_from > contract.ends_on:
            raise ContractError(
                f"The contract ends on {contract.ends_on:%-d %b %Y}: choose a date on or before it.", field="on_from"
            )
        party = ContractParty.objects.select_for_update().get(pk=party.pk)
        if not contract.is_open:
            raise ContractError("Workers cannot be added to a completed or cancelled contract.")
        if not party.is_live:
            raise ContractError("Only a company that accepted its invitation can add workers.")
        employment = Employment.objects.select_related("operative").get(pk=employment.pk)
        if employment.organisation_id != party.organisation_id or not employment.is_current:
            raise ContractError("Choose one of your company's current employees.", field="employment")
        if ContractWorker.objects.filter(
            contract=contract, operative_id=employment.operative_id, removed_at=None
        ).exists():
            raise ContractError(f"{employment.operative.full_name} is already on this contract.", field="employment")
        now = timezone.now()
        worker = ContractWorker.objects.create(
            contract=contract,
            party=party,
            operative_id=employment.operative_id,
            employment=employment,
            role=role,
            on_from=on_from,
            off_from=off_from,
            added_by=added_by,
            consent_confirmed_by=added_by,
            consent_confirmed_at=now,
        )
        _event(
            contract,
            ContractEvent.Kind.WORKER_ADDED,
            f"{employment.operative.full_name} ({worker.get_role_display().lower()}) added by {party.display_name}.",
            actor=added_by,
            party=party,
            worker=worker,
        )
    return worker


def contract_worker_remove(*, worker: ContractWorker, removed_by: User, off_from: date | None = None) -> ContractWorker:
    """Take a worker off the contract; the row stays, so the contract's history shows them."""
    off_from = off_from or timezone.localdate()
    with transaction.atomic():
        contract = _locked_contract(worker.contract_id)
        worker = (
            ContractWorker.objects.select_for_update(of=("self",))
            .select_related("operative", "party__organisation")
            .get(pk=worker.pk)
        )
        if worker.removed_at is not None:
            raise ContractError("This worker is already off the contract.")
        if off_from < worker.on_from:
            off_from = worker.on_from
        worker.removed_at, worker.removed_by, worker.off_from = timezone.now(), removed_by, off_from
        worker.save(update_fields=["removed_at", "removed_by", "off_from"])
        _event(
            contract,
            ContractEvent.Kind.WORKER_REMOVED,
            f"{worker.operative.full_name} taken off by {worker.party.display_name} from {off_from:%d %b %Y}.",
            actor=removed_by,
            party=worker.party,
            worker=worker,
        )
    return worker


# Emails about invitations (sent by the background workers through the outbox).


def _answerers(organisation_id: int) -> list[PortalUser]:
    answer = Q()
    for flag in ANSWER_FLAGS:
        answer |= Q(**{flag.value: True})
    return list(
        PortalUser.objects.filter(organisation_id=organisation_id, removed_at__isnull=True, user__is_active=True)
        .filter(answer)
        .select_related("user")
    )


def contract_email_send(*, ref: str) -> int:
    """Send the email a job names ("<party id>:invited" or ":reminder"): to the users of a licensed company who
    may answer, or to the address of an unlicensed company (inviting it to apply for a licence). Returns how many
    were sent; nothing when the invitation was answered meanwhile."""
    party_id, what = ref.split(":", 1)
    party = ContractParty.objects.select_related("contract__client", "parent__organisation", "organisation").get(
        pk=int(party_id)
    )
    if party.status != ContractParty.Status.INVITED:
        return 0
    context = {
        "party": party,
        "contract": party.contract,
        "inviter": party.parent.display_name if party.parent_id else party.contract.client.name,
        "reminder": what == "reminder",
        "licensed": party.organisation_id is not None,
        "url": settings.SITE_URL
        + (reverse("contracts:invitations") if party.organisation_id else reverse("licensing:apply")),
    }
    addresses = (
        [pu.user.email for pu in _answerers(party.organisation_id)] if party.organisation_id else [party.invited_email]
    )
    subject = " ".join(render_to_string("contracts/email/invitation_subject.txt", context).split())
    for address in addresses:
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string("contracts/email/invitation.txt", context), to=[address]
        )
        message.attach_alternative(render_to_string("contracts/email/invitation.html", context), "text/html")
        message.send()
    return len(addresses)
