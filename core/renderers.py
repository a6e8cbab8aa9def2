"""JSON responses encoded by orjson: DRF's JSONRenderer (the standard library's encoder) took 0.3–0.5 ms of a search
response of 20 results with highlights and facets; orjson takes a tenth of that.

The output is DRF's compact UTF-8 JSON (UTC datetimes end in Z, as DRF writes them), but for what a JSON parser does
not see: large and small floats are written in orjson's shortest form (1e16, not 1e+16). NaN and infinities become
null where DRF's strict encoder raised. Pretty printing (`Accept: application/json; indent=4`) is left to DRF.
"""

from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z
_default = JSONEncoder().default  # what orjson does not know (Decimal, lazy text, querysets…) as DRF converts it


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        body = orjson.dumps(data, default=_default, option=_OPTIONS)
        # As DRF does: U+2028 and U+2029 escaped, so the JSON is also valid JavaScript.
        if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
            body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return body
