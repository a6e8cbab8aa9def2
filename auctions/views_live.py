"""The live channel's endpoint: GET /api/auctions/lots/<id>/events/, Server-Sent Events (auctions/live.py).

Public for announced (and terminated) lots, like the trading state. Last-Event-ID (the header a browser's EventSource
sends when it reconnects, or the `last_event_id` parameter for the first connection) is the last evidence sequence
number the client has; the stream starts after it. At most LIVE_MAX_CONNECTIONS_PER_CLIENT streams per client address
and process (429 beyond), and LIVE_MAX_CONNECTIONS streams per process (503 with Retry-After beyond)."""

from functools import partial

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
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
