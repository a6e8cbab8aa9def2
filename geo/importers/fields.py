"""Mapping a file's attribute columns onto model fields, with parsing that names the feature and field it refuses."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from geo.importers.source import ImportRefused, Source

Parser = Callable[[Any], Any]


class FieldValueError(ValueError):
    """A value cannot be read; the message says why (the caller adds file, feature and field)."""


class Text:
    """Trimmed text of at most max_length characters; blank for a missing value."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: Any) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        result = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            result = str(int(value))  # numeric codes read as floats (e.g. from a .dbf N field)
        if len(result) > self.max_length:
            raise FieldValueError(_("longer than {n} characters").format(n=self.max_length))
        return result


def text(max_length: int) -> Text:
    return Text(max_length)


def decimal(*, max_digits: int, places: int, minimum: Decimal | None = None, maximum: Decimal | None = None) -> Parser:
    def parse(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
            return None
        try:
            number = Decimal(str(value).strip()).quantize(Decimal(1).scaleb(-places))
        except InvalidOperation as exc:
            raise FieldValueError(_("{value!r} is not a number").format(value=value)) from exc
        if len(number.as_tuple().digits) > max_digits or (minimum is not None and number < minimum):
            raise FieldValueError(_("{value} is out of range").format(value=value))
        if maximum is not None and number > maximum:
            raise FieldValueError(_("{value} is out of range").format(value=value))
        return number

    return parse


def choice(mapping: dict[str, str], *, blank: bool = True) -> Parser:
    """Our code, or any of its labels (e.g. 国有 / 国有建设用地使用权 → state_owned); case-insensitive."""
    lookup = {key.lower(): code for key, code in mapping.items()}

    def parse(value: Any) -> str:
        raw = text(255)(value)
        if not raw and blank:
            return ""
        if raw.lower() not in lookup:
            raise FieldValueError(_("{value!r} is not one of: {choices}").format(value=raw, choices=", ".join(mapping)))
        return lookup[raw.lower()]

    return parse


def listing(item: Parser, *, pattern: str | None = None) -> Parser:
    """Several values in one attribute, separated by ; , ， 、 or spaces."""

    def parse(value: Any) -> list[Any]:
        raw = text(10_000)(value)
        items = [item(v) for v in re.split(r"[;,，、；\s]+", raw) if v]
        if pattern:
            for v in items:
                if not re.fullmatch(pattern, v):
                    raise FieldValueError(_("{value!r} is not well formed").format(value=v))
        return items

    return parse


@dataclass(frozen=True)
class FieldSpec:
    target: str
    candidates: tuple[str, ...]
    parse: Parser
    required: bool = False


def column_for(source: Source, spec: FieldSpec, override: str | None) -> str | None:
    """The file's column for a field: the one named by --<field>-field, else the first known name present."""
    by_lower = {name.lower(): name for name in source.fields}
    if override:
        if override.lower() not in by_lower:
            raise ImportRefused(
                _("{file}: there is no attribute {column} (for {field}); attributes: {columns}").format(
                    file=source.name, column=override, field=spec.target, columns=", ".join(source.fields) or "—"
                ),
                fields={f"{spec.target}_field": []},
            )
        return by_lower[override.lower()]
    for candidate in (spec.target, *spec.candidates):
        if candidate.lower() in by_lower:
            return by_lower[candidate.lower()]
    return None


def read_fields(source: Source, specs: list[FieldSpec], overrides: dict[str, str | None]) -> dict[str, pa.Array]:
    """Parsed values per field, an Arrow array per field (a missing optional column gives blanks).

    Text columns are trimmed and checked in Arrow, without a Python object per value; other columns are parsed
    once per distinct value.
    """
    columns: dict[str, pa.Array] = {}
    for spec in specs:
        column = column_for(source, spec, overrides.get(spec.target))
        if column is None:
            if spec.required:
                raise ImportRefused(
                    _("{file}: no attribute for {field}; name it with --{option}-field (attributes: {columns})").format(
                        file=source.name,
                        field=spec.target,
                        option=spec.target.replace("_", "-"),
                        columns=", ".join(source.fields) or "—",
                    ),
                    fields={f"{spec.target}_field": []},
                )
            columns[spec.target] = pa.array([spec.parse(None)] * source.count)
            continue
        array = source.fields[column]
        try:
            values = parse_column(spec.parse, array)
        except FieldValueError:
            _refuse_first_bad_value(source, spec, column, python_values(array))
            raise
        if spec.required and (values.null_count or pc.any(pc.equal(values, "")).as_py()):
            _refuse_first_bad_value(source, spec, column, python_values(array))
        columns[spec.target] = values
    return columns


def read_field_lists(source: Source, specs: list[FieldSpec], overrides: dict[str, str | None]) -> dict[str, list[Any]]:
    """read_fields as Python lists."""
    return {name: values.to_pylist() for name, values in read_fields(source, specs, overrides).items()}


def parse_column(parse: Parser, array: pa.Array) -> pa.Array:
    """`parse` applied to every value of a column, in order; FieldValueError if any value cannot be read."""
    if isinstance(parse, Text) and (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        trimmed = pc.utf8_trim_whitespace(array).fill_null("")
        if (pc.max(pc.utf8_length(trimmed)).as_py() or 0) <= parse.max_length:
            return trimmed
    return by_distinct_value(parse, array)


def by_distinct_value(parse: Parser, array: pa.Array) -> pa.Array:
    """Each distinct value parsed once: attribute columns repeat a lot (land use, land nature, ratios …)."""
    try:
        encoded = array.dictionary_encode()
    except pa.ArrowNotImplementedError:  # e.g. a GDAL list field
        return pa.array([parse(value) for value in python_values(array)])
    parsed = [parse(value) for value in python_values(encoded.dictionary)]
    if encoded.indices.null_count:
        parsed.append(parse(None))
    return pa.array(parsed).take(encoded.indices.fill_null(len(parsed) - 1))


def python_values(array: pa.Array) -> list[Any]:
    """An Arrow array's values as Python objects; float32 values keep their short form ("0.1", not
    "0.10000000149011612")."""
    if pa.types.is_float32(array.type):
        return [None if value is None else np.float32(value) for value in array.to_pylist()]
    return array.to_pylist()


def _refuse_first_bad_value(source: Source, spec: FieldSpec, column: str, values: list[Any]) -> None:
    """Refuse the file, naming the first feature whose value cannot be read or is a required blank.

    One call per value, as the column's parse has already failed: only a refused file takes this path.
    """
    for index, raw in enumerate(values):
        try:
            value = spec.parse(raw)
        except FieldValueError as exc:
            raise ImportRefused(
                _("{file}: feature {feature}: field {column}: {problem}").format(
                    file=source.name, feature=source.feature_label(index), column=column, problem=exc
                ),
                fields={spec.target: [{"code": "invalid", "message": str(exc)}]},
            ) from exc
        if spec.required and value in ("", None):
            raise ImportRefused(
                _("{file}: feature {feature}: field {column}: a value is required").format(
                    file=source.name, feature=source.feature_label(index), column=column
                ),
                fields={spec.target: [{"code": "required", "message": "required"}]},
            )


def refuse_duplicates(
    source: Source, codes: list[str], *, field: str = "code", earlier: set[str] | None = None
) -> None:
    """Refuse two features with one code; `earlier` holds the codes of a file's chunks read before and takes this
    chunk's."""
    unique = set(codes)
    if len(unique) == len(codes) and (earlier is None or earlier.isdisjoint(unique)):
        if earlier is not None:
            earlier |= unique
        return
    seen: dict[str, str] = {}
    for index, code in enumerate(codes):
        if code in seen or (earlier and code in earlier):
            raise ImportRefused(
                _("{file}: features {first} and {second} have the same {field} {code}").format(
                    file=source.name,
                    first=seen.get(code, _("an earlier feature")),
                    second=source.feature_label(index),
                    field=field,
                    code=code,
                ),
                fields={field: [{"code": "duplicate", "message": code}]},
            )
        seen[code] = source.feature_label(index)
