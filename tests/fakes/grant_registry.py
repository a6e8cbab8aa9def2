"""A fake grant registry (一级市场供地) speaking the registry's protocol over real HTTP, in a thread on 127.0.0.1.

GET /grants/<url-encoded contract number> with `Authorization: Bearer <key>`: 401 unless the key is right, 404 for an
unknown number, 200 with the grant as JSON otherwise. It can be told to fail (`fail = True`: 500), to hang
(`hang = True`: no answer until it is stopped) or to answer a body that is not JSON (`garble = True`).
"""

import json
import secrets
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.server import LocalServer


class FakeGrantRegistry(LocalServer):
    """Start it, point GRANT_REGISTRY_URL/GRANT_REGISTRY_KEY at `url`/`key`, put grants in `grants`, stop it."""

    def __init__(self) -> None:
        self.key = secrets.token_hex(16)
        self.grants: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []  # the paths asked for, decoded
        self.refused = 0
        self.fail = False
        self.hang = False
        self.garble = False
        self._serve(self._handler(), name="fake-grant-registry")

    def add(self, **grant: Any) -> dict[str, Any]:
        """Register a grant (the JSON fields of market.grants.GrantRecord) under its contract number."""
        self.grants[grant["contract_number"]] = grant
        return grant

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urllib.parse.unquote(self.path)
                registry.requests.append(path)
                if registry.hang:
                    registry._release.wait(timeout=60)
                    return
                if self.headers.get("Authorization", "") != f"Bearer {registry.key}":
                    registry.refused += 1
                    self._answer(401, {"error": "unauthorised"})
                    return
                if registry.fail:
                    self._answer(500, {"error": "internal"})
                    return
                prefix = "/grants/"
                if not self.path.startswith(prefix):
                    self._answer(404, {"error": "not found"})
                    return
                number = urllib.parse.unquote(self.path[len(prefix) :])
                grant = registry.grants.get(number)
                if grant is None:
                    self._answer(404, {"error": "no such grant"})
                    return
                if registry.garble:
                    self._send(200, b"<html>maintenance</html>", "text/html")
                    return
                self._answer(200, grant)

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

            def _send(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler


@contextmanager
def grant_registry_running(settings: Any) -> Iterator[FakeGrantRegistry]:
    """A started fake registry with the "http" backend pointed at it (pytest-django's `settings`), stopped after."""
    registry = FakeGrantRegistry().start()
    settings.GRANT_REGISTRY = "http"
    settings.GRANT_REGISTRY_URL = registry.url
    settings.GRANT_REGISTRY_KEY = registry.key
    settings.GRANT_REGISTRY_TIMEOUT = 2.0
    try:
        yield registry
    finally:
        registry.stop()
