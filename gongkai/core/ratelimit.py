"""Fixed-window rate limits kept in Django's cache.

The default cache is per process (LocMemCache); a deployment with several worker processes sets a
shared cache (docs/operations.md) so that the limits hold across them.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind the reverse proxy in docs/operations.md, X-Forwarded-For's last hop is the proxy's view
    # of the client; without a proxy REMOTE_ADDR is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _key(scope: str, who: str, window: int) -> str:
    return f"rl:{scope}:{who}:{int(time.time() // window)}"


def count(scope: str, who: str, window: int = 3600) -> int:
    return int(cache.get(_key(scope, who, window), 0))


def hit(scope: str, who: str, window: int = 3600) -> int:
    """Count one event and return the count in the current window."""
    key = _key(scope, who, window)
    if cache.add(key, 1, timeout=window + 5):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 1


def exceeded(scope: str, who: str, limit: int, window: int = 3600) -> bool:
    return count(scope, who, window) >= limit
