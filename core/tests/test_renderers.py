"""The orjson renderer writes what DRF's JSONRenderer writes, value for value, in a tenth of the time."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail

from core.renderers import JSONRenderer

SHANGHAI = timezone(timedelta(hours=8))
DATA = {
    "text": '成都高新区 <em>5000</em>平米 "quoted" \\ \t\n',
    "lazy": gettext_lazy("Not found."),
    "error": ErrorDetail("bad", code="invalid"),
    "amounts": [Decimal("1200.0000"), 3, 2.5, 1e16, -0.0, None, True, False],
    "utc": datetime(2026, 11, 1, 2, 0, 0, 123456, tzinfo=UTC),
    "shanghai": datetime(2026, 11, 1, 10, 0, tzinfo=SHANGHAI),
    "day": date(2026, 11, 1),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": {"rows": [{"id": 1, "photo": None}], 3: "an int key"},
    "tuple": (1, "two"),
}


def test_it_writes_what_drf_writes():
    ours = JSONRenderer().render(DATA)
    drf = renderers.JSONRenderer().render(DATA)

    assert json.loads(ours) == json.loads(drf)
    assert b'"utc":"2026-11-01T02:00:00.123456Z"' in ours  # UTC as DRF writes it
    assert "成都".encode() in ours  # UTF-8, not \\u escapes
    assert b": " not in ours
    assert b", " not in ours


def test_line_and_paragraph_separators_are_escaped_as_drf_does():
    body = JSONRenderer().render({"text": "a\u2028b\u2029c"})

    assert body == b'{"text":"a\\u2028b\\u2029c"}'
    assert body == renderers.JSONRenderer().render({"text": "a\u2028b\u2029c"})


def test_indent_asked_for_is_drf_pretty_printing_and_none_is_an_empty_body():
    pretty = JSONRenderer().render(DATA, "application/json; indent=2")

    assert pretty == renderers.JSONRenderer().render(DATA, "application/json; indent=2")
    assert b'\n  "text"' in pretty
    assert JSONRenderer().render(None) == b""
