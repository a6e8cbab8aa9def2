"""A fake SMS provider speaking the provider's protocol over real HTTP, in a thread on 127.0.0.1.

POST / with a JSON body {"phone", "sign", "template", "params": {"code"}}, `Authorization: Bearer <key>` and
`X-Signature: hex(HMAC-SHA256(key, body))`; 401 unless both are right, 200 {"ok": true} otherwise. It can be told to
fail (`fail = True`: 500) or to hang (`hang = True`: no answer until it is stopped).
"""

import hashlib
import hmac
import json
import secrets
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.server import LocalServer


class FakeSmsProvider(LocalServer):
    """Start it, point SMS_PROVIDER_URL/SMS_PROVIDER_KEY at `url`/`key`, read `messages`, stop it."""

    def __init__(self) -> None:
        self.key = secrets.token_hex(16)
        self.messages: list[dict[str, Any]] = []
        self.refused = 0
        self.fail = False
        self.hang = False
        self._serve(self._handler(), name="fake-sms-provider")

    @property
    def url(self) -> str:
        return f"{super().url}/"

    def last_code(self, phone: str) -> str:
        """The code in the latest message to the phone."""
        for message in reversed(self.messages):
            if message["phone"] == phone:
                return str(message["params"]["code"])
        raise AssertionError(f"no SMS was sent to {phone}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if provider.hang:
                    provider._release.wait(timeout=60)
                    return
                expected = hmac.new(provider.key.encode(), body, hashlib.sha256).hexdigest()
                authorised = hmac.compare_digest(self.headers.get("Authorization", ""), f"Bearer {provider.key}")
                signed = hmac.compare_digest(self.headers.get("X-Signature", ""), expected)
                if not (authorised and signed):
                    provider.refused += 1
                    self._answer(401, {"error": "unauthorised"})
                    return
                if provider.fail:
                    self._answer(500, {"error": "internal"})
                    return
                provider.messages.append(json.loads(body))
                self._answer(200, {"ok": True})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler
