"""Rate limits kept in the settings' cache, and the client address they and django-axes count by."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address our own proxies put in X-Forwarded-For.

    With TRUSTED_PROXY_COUNT proxies in front, the client is that many entries from the right; anything further
    left was written by the client and is not believed."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one use of `key` in a fixed window; False once more than `limit` uses fall in the window."""
    # Hashed: the key may hold an email address, and cache keys must be short and plain.
    cache_key = "throttle:" + hashlib.sha256(key.encode()).hexdigest()
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        used = 1
    return used <= limit
