"""Fixed-window rate limits kept in Django's cache, and who the client is.

The counters must be shared by every worker process and server: production settings put the cache
in Redis (``GONGKAI_REDIS_URL``); development and tests use the per-process memory cache.
"""

from __future__ import annotations

import functools
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def address_in(address: str, networks: list[str]) -> bool:
    """Whether ``address`` is in one of ``networks`` (addresses or CIDR networks)."""
    return _is_trusted(address[:64], _trusted(tuple(networks)))


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request came through one of ``GONGKAI_TRUSTED_PROXIES`` (whose headers count)."""
    networks = _trusted(tuple(settings.GONGKAI_TRUSTED_PROXIES))
    return bool(networks) and _is_trusted(str(request.META.get("REMOTE_ADDR", ""))[:64], networks)


def client_address(request: HttpRequest) -> str:
    """The client's address. ``X-Forwarded-For`` is believed only when the request comes from one of
    ``GONGKAI_TRUSTED_PROXIES``: then the client is the nearest address in it that is not itself a
    trusted proxy. From anyone else the header is ignored (a client could write anything in it)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))[:64]
    networks = _trusted(tuple(settings.GONGKAI_TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed hop: the proxy did not write it, so nothing before it counts
        if not _is_trusted(hop, networks):
            return hop
    return remote


def key_for(scope: str, who: str, window: int = 3600) -> str:
    """The cache key of the current window's counter."""
    return f"rl:{scope}:{who}:{int(time.time() // window)}"


def count(scope: str, who: str, window: int = 3600) -> int:
    return int(cache.get(key_for(scope, who, window), 0))


def hit(scope: str, who: str, window: int = 3600) -> int:
    """Count one event and return the count in the current window."""
    key = key_for(scope, who, window)
    if cache.add(key, 1, timeout=window + 5):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 1


def exceeded(scope: str, who: str, limit: int, window: int = 3600) -> bool:
    return count(scope, who, window) >= limit
