"""The transactional outbox for background jobs (see portal.core.models.BackgroundJob)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.core.background import background_handler
from portal.core.models import BackgroundJob

logger = logging.getLogger(__name__)


def background_job_enqueue(*, kind: str, ref: str) -> BackgroundJob:
    """Record a job for the background workers in the current transaction: it exists if, and when, that commits.

    A job of the same kind and reference still waiting is not recorded twice. With ECS_RUN_JOBS_INLINE the work
    runs in this process once the transaction commits, instead of through the relay."""
    background_handler(kind)  # an unknown kind fails here, in the request, not in the relay
    job = BackgroundJob.objects.filter(kind=kind, ref=ref, handed_at__isnull=True).first()
    if job is None:
        job = BackgroundJob.objects.create(kind=kind, ref=ref)
    if settings.ECS_RUN_JOBS_INLINE:
        job_id = job.pk
        transaction.on_commit(lambda: background_job_run_inline(job_id=job_id))
    else:
        _wake_relay_on_commit()
    return job


# The channel on which an idle relay (tasks.relay) listens for jobs recorded (PostgreSQL).
RELAY_CHANNEL = "ecs_outbox"


def _wake_relay_on_commit() -> None:
    """PostgreSQL: once the transaction that recorded jobs commits, a NOTIFY of its own wakes the idle relay at
    once instead of at its next look (it still looks every ECS_RELAY_POLL_SECONDS). Sent after the commit, not in
    the transaction: a NOTIFY in it would take PostgreSQL's database-wide notification lock at the commit of every
    request that records a job, serialising them. One NOTIFY a transaction, none when it rolls back."""
    if connection.vendor != "postgresql":
        return
    if any(func is _wake_relay for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(_wake_relay, robust=True)  # robust: a failure is logged; the relay's look finds the job


def _wake_relay() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"NOTIFY {RELAY_CHANNEL}")


def background_job_run_inline(*, job_id: int) -> bool:
    """Run a waiting job here and now (ECS_RUN_JOBS_INLINE). Inline mode has no retries: a failure is final.

    Returns False when the job was already handed (run) by someone else."""
    claimed = BackgroundJob.objects.filter(pk=job_id, handed_at__isnull=True).update(handed_at=timezone.now())
    if not claimed:
        return False
    job = BackgroundJob.objects.get(pk=job_id)
    handler = background_handler(job.kind)
    try:
        handler.run(job.ref)
    except Exception as exc:
        handler.fail(job.ref, exc)
    return True


@dataclass(frozen=True)
class Handed:
    count: int  # jobs handed over in this batch
    error: str  # why the hand-off stopped early ("" when it did not)


def background_jobs_hand(*, hand: Callable[[BackgroundJob], None], limit: int = 100) -> Handed:
    """Hand up to `limit` waiting jobs, oldest first, to `hand` and mark them handed.

    The jobs are row-locked for the batch and skipped by any other relay (PostgreSQL), so each is handed once.
    When `hand` raises (Prefect out of reach) the batch stops: the jobs handed so far are marked, the failing job
    records the attempt and stays waiting for the next batch. A relay that dies mid-batch marks nothing; its jobs
    are handed again (the work is idempotent)."""
    handed: list[int] = []
    error = ""
    with transaction.atomic():
        waiting = BackgroundJob.objects.filter(handed_at__isnull=True).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        for job in waiting[:limit]:
            try:
                hand(job)
            except Exception as exc:  # anything the hand-off raises leaves the job waiting
                error = str(exc) or exc.__class__.__name__
                BackgroundJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1, last_error=error[:2000])
                logger.warning("Could not hand %s %s over (%s); it stays waiting", job.kind, job.ref, error)
                break
            handed.append(job.pk)
        if handed:
            BackgroundJob.objects.filter(pk__in=handed).update(handed_at=timezone.now())
    return Handed(count=len(handed), error=error)


def background_jobs_hand_batches(
    *,
    hand: Callable[[list[tuple[str, list[BackgroundJob]]]], list[str]],
    group_sizes: Callable[[str, int], list[int]],
    limit: int = 100,
) -> Handed:
    """As background_jobs_hand, but the waiting jobs of one kind are handed together, in groups whose sizes
    `group_sizes(kind, waiting of that kind)` gives (all 1: one by one), oldest first.

    `hand(groups)` gets every group of the batch at once, so that it may hand them concurrently, and returns for
    each group "" when it was handed or why it was not. A group is handed, or not at all: a group that was not
    records the attempt and stays waiting for the next batch; the others are marked handed."""
    handed: list[int] = []
    error = ""
    with transaction.atomic():
        waiting = BackgroundJob.objects.filter(handed_at__isnull=True).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        by_kind: dict[str, list[BackgroundJob]] = {}
        for job in waiting[:limit]:
            by_kind.setdefault(job.kind, []).append(job)
        groups = []
        for kind, jobs in by_kind.items():
            start = 0
            for size in group_sizes(kind, len(jobs)):
                if start < len(jobs):
                    groups.append((kind, jobs[start : start + max(1, size)]))
                start += max(1, size)
            groups += [(kind, [job]) for job in jobs[start:]]  # any left over: one by one
        groups.sort(key=lambda group: group[1][0].pk)
        errors = hand(groups) if groups else []
        for (kind, jobs), failed in zip(groups, errors, strict=True):
            if not failed:
                handed += [j.pk for j in jobs]
                continue
            error = error or failed
            BackgroundJob.objects.filter(pk__in=[j.pk for j in jobs]).update(
                attempts=F("attempts") + 1, last_error=failed[:2000]
            )
            logger.warning("Could not hand %s %s jobs over (%s); they stay waiting", len(jobs), kind, failed)
        if handed:
            BackgroundJob.objects.filter(pk__in=handed).update(handed_at=timezone.now())
    return Handed(count=len(handed), error=error)


def background_jobs_purge(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete jobs handed over more than `older_than` ago (their work is recorded on the cases); returns how many."""
    cutoff = timezone.now() - older_than
    deleted, _ = BackgroundJob.objects.filter(handed_at__lt=cutoff).delete()
    return deleted
