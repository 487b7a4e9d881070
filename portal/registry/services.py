"""Changes to the national ECS record."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction

from portal.accounts.models import User
from portal.registry.models import HseResult, Operative

# An HS&E pass is valid for two years (DOMAIN: reference data). ECS_HSE_PASS_VALID_MONTHS changes it.
DEFAULT_HSE_PASS_VALID_MONTHS = 24


def hse_pass_valid_until(*, taken_on: date) -> date:
    months = int(getattr(settings, "ECS_HSE_PASS_VALID_MONTHS", DEFAULT_HSE_PASS_VALID_MONTHS))
    return taken_on + relativedelta(months=months)


def hse_result_record(
    *,
    operative: Operative,
    number: str,
    taken_on: date,
    passed: bool,
    score: int | None = None,
    actor: User | None = None,
) -> HseResult:
    """Record an HS&E assessment result on the operative's record. A pass is valid for two years and releases
    every application of the operative on conditional hold (once this commits)."""
    with transaction.atomic():
        result = HseResult.objects.create(
            operative=operative,
            number=number.strip(),
            taken_on=taken_on,
            passed=passed,
            score=score,
            expires_on=hse_pass_valid_until(taken_on=taken_on) if passed else None,
        )
        if passed:
            hse_pass_release_holds(operative=operative, actor=actor)
    return result


def hse_pass_release_holds(*, operative: Operative, actor: User | None = None) -> None:
    """Once the current transaction commits, release the operative's applications on conditional hold
    (each in its own transaction, so one that fails does not undo the recorded result)."""
    from portal.applications.processing_services import card_application_release_conditional_holds

    operative_id = operative.pk
    transaction.on_commit(
        lambda: card_application_release_conditional_holds(operative_id=operative_id, actor=actor), robust=True
    )


def hse_result_change(*, result: HseResult, actor: User | None = None) -> HseResult:
    """Save a corrected result (its expiry follows from it); a pass releases the operative's conditional holds."""
    with transaction.atomic():
        result.expires_on = hse_pass_valid_until(taken_on=result.taken_on) if result.passed else None
        result.save()
        if result.passed:
            hse_pass_release_holds(operative=result.operative, actor=actor)
    return result
