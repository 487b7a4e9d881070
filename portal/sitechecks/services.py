"""Writes for ECS Check on site: API keys (create, revoke, record use)."""

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.contracts.models import Contract, ContractParty
from portal.organisations.models import PortalUser
from portal.registry.models import Card
from portal.sitechecks.models import ApiKey, ApiKeyEvent, SpotCheck
from portal.sitechecks.selectors import contract_card_verdict

KEY_PREFIX = "ecs_"
# The last use is written at most this often, so that a busy gate does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class SiteCheckError(Exception):
    """A rule refused the change; the message is for the user. `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, actor: PortalUser, name: str) -> tuple[ApiKey, str]:
    """A new key for the actor's organisation. Returns the key and its secret, which is never shown again."""
    name = " ".join(name.split())
    if not name:
        raise SiteCheckError("Enter what the key is for, for example the name of the site gate.", field="name")
    active = ApiKey.objects.filter(organisation_id=actor.organisation_id, revoked_at__isnull=True)
    if active.filter(name__iexact=name).exists():
        raise SiteCheckError("Your organisation already has a key with this name: choose another.", field="name")
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 4 billion
        prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organisation_id=actor.organisation_id, name=name, prefix=prefix, secret_hash=_hash(raw), created_by=actor.user
    )
    ApiKeyEvent.objects.create(key=key, actor=actor.user, what=f"Created the API key “{name}”.")
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor: PortalUser, key_id: int) -> ApiKey:
    """Revoke one of the actor's organisation's keys: from now on it is refused (401). Revoking twice is refused."""
    key = ApiKey.objects.select_for_update().filter(organisation_id=actor.organisation_id, pk=key_id).first()
    if key is None:
        raise SiteCheckError("There is no such key.")
    if key.revoked_at is not None:
        raise SiteCheckError("This key was already revoked.")
    key.revoked_at = timezone.now()
    key.revoked_by = actor.user
    key.save(update_fields=["revoked_at", "revoked_by"])
    ApiKeyEvent.objects.create(key=key, actor=actor.user, what=f"Revoked the API key “{key.name}”.")
    return key


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key `raw_key` is, or None. Records its use (at most once a minute). One or two queries."""
    raw_key = (raw_key or "").strip()
    if not raw_key.startswith(KEY_PREFIX) or raw_key.count("_") < 2:
        return None
    prefix = raw_key[len(KEY_PREFIX) :].split("_", 1)[0]
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(prefix=prefix, revoked_at__isnull=True, organisation__is_active=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(raw_key)):
        return None
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        key.last_used_at = now
    return key


@transaction.atomic
def spot_check_record(
    *, actor: PortalUser, contract: Contract, viewer_party: ContractParty | None, number: str, today: date | None = None
) -> SpotCheck:
    """Check a card presented on the contract's site and record the audit entry: the card's status today, and
    whether its holder is on the contract now (within the checker's own branch of the supply chain)."""
    from portal.contracts.selectors import contract_workers_queryset

    day = today or timezone.localdate()
    number = "".join((number or "").split())
    if not number.isdigit() or not 6 <= len(number) <= 12:
        raise SiteCheckError("Enter the card number as printed on the card: 6 to 12 digits.", field="number")
    card = Card.objects.select_related("operative", "card_type").filter(number=number).first()
    worker = None
    if card is None:
        verdict = SpotCheck.Verdict.NOT_FOUND
    else:
        verdict = contract_card_verdict(card, day)
        worker = (
            contract_workers_queryset(contract, viewer_party=viewer_party)
            .filter(operative_id=card.operative_id, on_from__lte=day)
            .select_related("party")
            .first()
        )
    return SpotCheck.objects.create(
        contract=contract,
        checker_party=viewer_party,
        organisation_id=actor.organisation_id,
        checked_by=actor.user,
        number=number,
        card=card,
        worker=worker,
        verdict=verdict,
        on_contract=worker is not None,
    )
