"""The caller's network address, believing X-Forwarded-For only as far as our own proxies wrote it."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest | Request) -> str:
    """The address of whoever sent the request to our outermost trusted proxy.

    By default the socket peer (REMOTE_ADDR): X-Forwarded-For is ignored. With DJANGO_TRUSTED_PROXY_COUNT = n, the
    peer and the n - 1 rightmost X-Forwarded-For entries are taken as our proxies; with DJANGO_TRUSTED_PROXIES
    (addresses or CIDRs), further hops inside those networks are skipped too. The chain is walked from the right and
    the first hop that is not ours is the caller; the client-written leftmost entries are never believed past it.
    """
    meta = request.META
    peer = str(meta.get("REMOTE_ADDR") or "")
    count: int = settings.TRUSTED_PROXY_COUNT
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not count and not networks:
        return peer
    forwarded = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    chain = [hop for hop in forwarded if hop] + [peer]
    for index in range(len(chain) - 1, 0, -1):  # right to left; chain[0] is the last resort
        hop = chain[index]
        trusted = len(chain) - index <= count or _is_trusted(hop, networks)
        if not trusted:
            return hop
        if not _is_address(chain[index - 1]):  # our proxy wrote something that is no address: stop at the proxy
            return hop
    return chain[0]


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
