"""Changes to the national ECS record."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction

from portal.accounts.models import User
from portal.registry.models import HseResult, Operative
from portal.registry.signals import hse_pass_recorded

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
    """Record an HS&E assessment result on the operative's record. A pass is valid for two years and is
    announced (hse_pass_recorded): card applications on conditional hold wait for one."""
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
            hse_pass_recorded.send(sender=HseResult, operative=operative, result=result, actor=actor)
    return result


def hse_result_change(*, result: HseResult, actor: User | None = None) -> HseResult:
    """Save a corrected result (its expiry follows from it); a pass is announced as for a new one."""
    with transaction.atomic():
        result.expires_on = hse_pass_valid_until(taken_on=result.taken_on) if result.passed else None
        result.save()
        if result.passed:
            hse_pass_recorded.send(sender=HseResult, operative=result.operative, result=result, actor=actor)
    return result
