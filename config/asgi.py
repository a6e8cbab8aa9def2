"""ASGI entry point (served by uvicorn). The live channel's stream path goes to its own small application
(auctions/views_live.py, events_application: no thread per open stream); everything else to Django."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

django_application = get_asgi_application()

from auctions.views_live import EVENTS_PATH, Receive, Send, events_application  # noqa: E402 - after Django's setup


async def application(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and EVENTS_PATH.fullmatch(scope["path"]):
        await events_application(scope, receive, send)
    else:
        await django_application(scope, receive, send)
