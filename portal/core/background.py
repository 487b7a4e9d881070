"""What each kind of background job does when it runs in this process (ECS_RUN_JOBS_INLINE).

The app that owns a kind registers it in its AppConfig.ready(), so that the portal never names the processes or
the task worker: `background_handler_register("job", run=..., fail=...)`. On Prefect, `tasks.relay` maps each kind
to its Prefect task instead; the task calls the same functions.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BackgroundHandler:
    run: Callable[[str], object]  # does the work for a job's reference; raises when it fails
    fail: Callable[[str, BaseException], object]  # records the failure once no retry is left


_handlers: dict[str, BackgroundHandler] = {}


def background_handler_register(
    kind: str, *, run: Callable[[str], object], fail: Callable[[str, BaseException], object]
) -> None:
    _handlers[kind] = BackgroundHandler(run=run, fail=fail)


def background_handler(kind: str) -> BackgroundHandler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No background handler is registered for {kind!r}.") from None


def background_kinds() -> list[str]:
    return sorted(_handlers)
