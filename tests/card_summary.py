"""A guard on the employments' summary of the current card (`Employment.card`, `card_expires_on`).

Imported into the conftest of the test folders whose code changes cards: after each test's body, the employments of
every operative whose card was saved or deleted during it must carry the card the rule names
(`registry.models.current_cards`). A service that makes, replaces, cancels or corrects a card without calling
`employment_card_refresh` fails whichever test runs it, with the employments named. (A card changed by
`QuerySet.update()` sends no signal: the services save cards one at a time.)"""

import pytest
from django.db.models.signals import post_delete, post_save


def stale_card_summaries(operative_ids) -> list[str]:
    """The employments of `operative_ids` whose summary differs from the rule, described."""
    from portal.employees.models import Employment
    from portal.registry.models import Card, current_cards

    stale = []
    for employment in Employment.objects.filter(operative_id__in=operative_ids).order_by("pk"):
        card = current_cards(Card.objects.filter(operative_id=employment.operative_id)).first()
        expected = (card.pk, card.expires_on) if card else (None, None)
        if (employment.card_id, employment.card_expires_on) != expected:
            stale.append(
                f"employment {employment.pk}: carries card {employment.card_id} expiring {employment.card_expires_on},"
                f" the current card is {expected[0]} expiring {expected[1]}"
            )
    return stale


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    from portal.registry.models import Card

    changed: set[int] = set()

    def seen(sender, instance, **kwargs):
        changed.add(instance.operative_id)

    post_save.connect(seen, sender=Card, weak=False, dispatch_uid="card-summary-guard-save")
    post_delete.connect(seen, sender=Card, weak=False, dispatch_uid="card-summary-guard-delete")
    try:
        result = yield
    finally:
        post_save.disconnect(sender=Card, dispatch_uid="card-summary-guard-save")
        post_delete.disconnect(sender=Card, dispatch_uid="card-summary-guard-delete")
    if changed and (stale := stale_card_summaries(changed)):
        raise AssertionError(
            "A card changed without employment_card_refresh (the employment's current card summary):\n"
            + "\n".join(stale)
        )
    return result
