"""The live channel's endpoint: GET /api/auctions/lots/<id>/events/, Server-Sent Events (auctions/live.py).

Public for announced (and terminated) lots, like the trading state. Last-Event-ID (the header a browser's EventSource
sends when it reconnects, or the `last_event_id` parameter for the first connection) is the last evidence sequence
number the client has; the stream starts after it. At most LIVE_MAX_CONNECTIONS_PER_CLIENT streams per client address
and process (429 beyond), and LIVE_MAX_CONNECTIONS streams per process (503 with Retry-After beyond).

Under uvicorn the path goes to `events_application` (config/asgi.py), the same view served without Django's handler:
Django runs a request's middleware in a thread of its own that lives as long as the request, so every open stream
kept an idle thread (2,000 streams, 2,000 threads, most of the 97 KiB a stream cost). The view's checks, answers and
stream are the same either way; the test client and the authorization matrix go through Django's URL."""

import asyncio
import io
import re
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _

from auctions import live
from core.errors import error_body
from core.net import client_address


def _last_event_id(request: HttpRequest) -> int | None:
    given = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or "0"
    return int(given) if given.isdigit() and len(given) < 10 else None


async def lot_events(request: HttpRequest, lot_id: int) -> HttpResponseBase:
    if request.method != "GET":
        return JsonResponse(error_body("method_not_allowed", _("Only GET is allowed here.")), status=405)
    if not await sync_to_async(live.watchable)(lot_id):  # hands its connection back
        return JsonResponse(error_body("not_found", _("No lot has this id.")), status=404)
    last_id = _last_event_id(request)
    if last_id is None:
        message = _("The last event id is a sequence number.")
        fields = {"last_event_id": [{"code": "invalid", "message": message}]}
        return JsonResponse(error_body("invalid", message, fields), status=400)
    hub = live.hub()
    address = client_address(request)
    refusal = hub.admit(lot_id, address)
    if refusal == "process":
        message = _("The server holds as many live connections as it can; try again in a moment.")
        refused = JsonResponse(error_body("too_many_streams", message), status=503)
        refused["Retry-After"] = str(live.RETRY_AFTER_SECONDS)
        return refused
    if refusal == "client":
        message = _("Too many live connections from your address; close another window of the trading room.")
        return JsonResponse(error_body("too_many_connections", message), status=429)
    events = live.stream(lot_id, last_id, on_close=partial(hub.release, address))
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass events on at once
    return response


# ------------------------------------------------------------------------------ served without Django's handler
EVENTS_PATH = re.compile(r"/api/auctions/lots/(\d{1,9})/events/")
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]


async def events_application(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """The ASGI application of EVENTS_PATH: the request as Django builds it, the language its Accept-Language asks
    for, the view's answer sent as it is; a stream ends when the client goes away (its generator is cancelled, so
    it leaves the hub and frees its place)."""
    request = ASGIRequest(scope, io.BytesIO())
    try:
        request.get_host()  # ALLOWED_HOSTS, as Django's own handler checks it
    except DisallowedHost:
        await send({"type": "http.response.start", "status": 400, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"Bad Request"})
        return
    match = EVENTS_PATH.fullmatch(scope["path"])  # config/asgi.py routes only this path here
    with translation.override(translation.get_language_from_request(request)):
        response = await lot_events(request, int(match[1]) if match else 0)
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.items()]
    headers.append((b"x-content-type-options", b"nosniff"))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    if not isinstance(response, StreamingHttpResponse):
        await send({"type": "http.response.body", "body": cast(HttpResponse, response).content})
        return
    pumping = asyncio.ensure_future(_pump(response, send))
    gone = asyncio.ensure_future(_disconnected(receive))
    await asyncio.wait([pumping, gone], return_when=asyncio.FIRST_COMPLETED)
    for task in (pumping, gone):
        task.cancel()
    await asyncio.gather(pumping, gone, return_exceptions=True)


async def _pump(response: StreamingHttpResponse, send: Send) -> None:
    async for chunk in response.streaming_content:  # type: ignore[union-attr]  # an async stream here
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
