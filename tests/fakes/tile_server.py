"""A fake 天地图 WMTS tile server over real HTTP, in a thread on 127.0.0.1.

GET /<layer>_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=<layer>&TILEMATRIX=<z>&TILEROW=<y>&TILECOL=<x>&tk=<key> (the
query of 天地图's KVP GetTile) answers a 256 × 256 PNG of one colour per layer: opaque for the base layers (vec, img),
fully transparent for the annotation layers (cva, cia), so a map shows the base layer's colour. Every request is
recorded in `requests`; anything else is a 404.
"""

import io
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from PIL import Image

from tests.fakes.server import LocalServer

COLOURS: dict[str, tuple[int, int, int, int]] = {
    "vec": (214, 48, 160, 255),
    "cva": (20, 20, 20, 0),
    "img": (24, 150, 70, 255),
    "cia": (240, 240, 20, 0),
}
TEMPLATE = (
    "{base}/{{layer}}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={{layer}}&STYLE=default"
    "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={{key}}"
)


@dataclass(frozen=True)
class TileRequest:
    layer: str
    z: int
    x: int
    y: int
    key: str


def solid_png(colour: tuple[int, int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (256, 256), colour).save(out, format="PNG")
    return out.getvalue()


class FakeTileServer(LocalServer):
    """Start it, point TIANDITU_URL at `template`, read `requests`, stop it."""

    def __init__(self) -> None:
        self.requests: list[TileRequest] = []
        self._tiles = {layer: solid_png(colour) for layer, colour in COLOURS.items()}
        self._serve(self._handler(), name="fake-tile-server")

    @property
    def template(self) -> str:
        """A TIANDITU_URL pointing here (one host)."""
        return TEMPLATE.format(base=self.url)

    def layers(self) -> set[str]:
        return {request.layer for request in self.requests}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                layer = query.get("LAYER", "")
                wanted = (query.get("SERVICE"), query.get("REQUEST"), url.path)
                if layer not in server._tiles or wanted != ("WMTS", "GetTile", f"/{layer}_w/wmts"):
                    self._send(404, b"not found", "text/plain")
                    return
                try:
                    z, x, y = (int(query[name]) for name in ("TILEMATRIX", "TILECOL", "TILEROW"))
                except (KeyError, ValueError):
                    self._send(400, b"bad tile", "text/plain")
                    return
                server.requests.append(TileRequest(layer, z, x, y, query.get("tk", "")))
                self._send(200, server._tiles[layer], "image/png")

            def _send(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Access-Control-Allow-Origin", "*")  # as 天地图 answers: MapLibre fetches with CORS
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler


@contextmanager
def tile_server_running() -> Iterator[FakeTileServer]:
    server = FakeTileServer().start()
    try:
        yield server
    finally:
        server.stop()
