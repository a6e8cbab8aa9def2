"""What every fake third party shares: its HTTP server on 127.0.0.1 in a thread of the test process, its URL, and
starting and stopping it. `_release` is set on stop: a fake's slow handlers wait on it, so none outlives the test."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LocalServer:
    def _serve(self, handler: type[BaseHTTPRequestHandler], *, port: int = 0, name: str) -> None:
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
