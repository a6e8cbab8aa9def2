"""ASGI entry point (served by uvicorn). The live channel's stream path goes to its own small application
(auctions/views_live.py, events_application: no thread per open stream), a tile's to the lean tile path
(tiles/asgi.py, tile_application: Django answers what it does not); everything else to Django."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

django_application = get_asgi_application()

from auctions.views_live import EVENTS_PATH, Receive, Send, events_application  # noqa: E402 - after Django's setup
from tiles.asgi import TILE_PATH, tile_application  # noqa: E402 - after Django's setup


async def application(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and EVENTS_PATH.fullmatch(scope["path"]):
        await events_application(scope, receive, send)
    elif scope["type"] == "http" and TILE_PATH.fullmatch(scope["path"]):
        await tile_application(scope, receive, send, django_application)
    else:
        await django_application(scope, receive, send)
