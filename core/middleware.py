"""Where a request crosses from uvicorn's event loop to Django's synchronous code.

Django under ASGI runs a middleware in async mode when it can and the handler below it is async; each sync method of
such a middleware (process_request, process_response) is then called through sync_to_async: a hop to the request's
thread and back. With whitenoise's sync-only middleware near the top, a request went loop → thread → loop and then
hopped again for each method of the seven middlewares below it, about a dozen hops. This marker, last in MIDDLEWARE,
is sync-only, so every middleware above it runs in sync mode in the request's one thread; the request goes to the
thread once, back to the loop for Django's (async) view dispatch, and to the thread again for a sync view. Async
views (the live channel's) are still awaited on the event loop. On the bid benchmark it took the web process's CPU
per decided bid from 13.9 ms to 11.5 ms (median of three 10-second runs each).

It also hands the request's database connection back to the pool as soon as the view has answered. Django does so
only at request_finished, after the response went out through the event loop and back to the thread: when the loop is
busy (2,000 live streams and 200 bidders on the live benchmark) every connection stayed taken for those hops too, the
pool's 10 ran out and bids waited more than DATABASE_POOL_TIMEOUT for one (500). Inside a transaction (a test's) the
connection stays.
"""

from collections.abc import Callable

from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponseBase


class SyncBoundaryMiddleware:
    """A middleware that is sync-only and hands the database connection back after the view (see the module's note)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not connection.in_atomic_block:  # (get_autocommit() would open a connection the request did not use)
            close_old_connections()
        return response
