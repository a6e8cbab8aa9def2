"""Mapping a file's attribute columns onto model fields, with parsing that names the feature and field it refuses."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
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

    def column(self, values: list[Any]) -> list[str]:
        """A whole column; a column of strings (nearly always) without a call per value."""
        if not set(map(type, values)) <= {str}:
            return by_distinct_value(self, values)
        result = [value.strip() for value in values]
        if max(map(len, result), default=0) > self.max_length:
            return by_distinct_value(self, values)  # fails on the first value too long
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


def read_fields(source: Source, specs: list[FieldSpec], overrides: dict[str, str | None]) -> dict[str, list[Any]]:
    """Parsed values per field (a list per feature); a missing optional column gives blanks."""
    columns: dict[str, list[Any]] = {}
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
            columns[spec.target] = [spec.parse(None)] * source.count
            continue
        array = source.fields[column]
        # Python objects, except float32 values: they keep their short form ("0.1", not "0.10000000149011612").
        raw = list(array) if array.dtype == np.float32 else array.tolist()
        try:
            values = parse_column(spec.parse, raw)
        except FieldValueError:
            _refuse_first_bad_value(source, spec, column, raw)
            raise
        if spec.required and ("" in values or None in values):
            _refuse_first_bad_value(source, spec, column, raw)
        columns[spec.target] = values
    return columns


def parse_column(parse: Parser, values: list[Any]) -> list[Any]:
    """`parse` applied to every value of a column, in order; FieldValueError if any value cannot be read."""
    if isinstance(parse, Text):
        return parse.column(values)
    return by_distinct_value(parse, values)


def by_distinct_value(parse: Parser, values: list[Any]) -> list[Any]:
    """Each distinct value parsed once: attribute columns repeat a lot (land use, land nature, ratios …)."""
    try:
        parsed = {value: parse(value) for value in dict.fromkeys(values)}
    except TypeError:  # unhashable values, e.g. a GDAL list field
        return [parse(value) for value in values]
    return list(map(parsed.__getitem__, values))


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
    source: Source, codes: list[str], *, field: str = "code", earlier: dict[str, str] | None = None
) -> None:
    """Refuse two features with one code; `earlier` holds the codes of a file's chunks read before (code → feature)
    and takes this chunk's."""
    seen = {} if earlier is None else earlier
    if len(set(codes)) == len(codes) and seen.keys().isdisjoint(codes):
        if earlier is not None:
            earlier.update(zip(codes, source.feature_labels(), strict=True))
        return
    for index, code in enumerate(codes):
        if code in seen:
            raise ImportRefused(
                _("{file}: features {first} and {second} have the same {field} {code}").format(
                    file=source.name,
                    first=seen[code],
                    second=source.feature_label(index),
                    field=field,
                    code=code,
                ),
                fields={field: [{"code": "duplicate", "message": code}]},
            )
        seen[code] = source.feature_label(index)
