"""One Redis client (and its connection pool) per URL per process, for the request path's short calls (live nudges,
refusal counts): two-second timeouts, so a Redis that is down costs a request at most that and never hangs it."""

import redis

_clients: dict[str, redis.Redis] = {}


def redis_client(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _clients[url]
