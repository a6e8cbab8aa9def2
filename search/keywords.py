"""How keywords become clauses both engines answer alike: text terms, land-use phrases, parcel codes.

Every clause must match. A clause matches a listing whose text has all its terms, or that is of one of its land-use
classes (a phrase of search.land_use_words: 商业用地 finds 05 商服用地), or (supply) whose point lies on the parcel
its token is the code of (宗地代码 510104001001GB00006: the listing's public point, its own or its parcel's centroid,
covered by that parcel or at its centroid). The parcel a listing is linked to is its owner's (core.classification),
so a code is matched through public data only, as anyone could on the map; certificate and unit numbers are not
public and are never searched.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Point

from geo.models import Parcel
from search.land_use_words import land_use_phrases
from search.query import fold, keyword_terms

# A token that may be a parcel code: ASCII letters and digits (with - . _ inside), both kinds, six characters or more.
_CODE_TOKEN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z._-]*[0-9A-Za-z])?")
MIN_CODE_LENGTH = 6
PARCEL_CENTROID_M = 1.0  # a listing placed at its parcel's centroid (outside a concave parcel) is on the parcel


@dataclass(frozen=True)
class ParcelPlace:
    """Where a parcel is: its geometry and centroid (CGCS2000)."""

    geometry: MultiPolygon
    centroid: Point


@dataclass(frozen=True)
class Clause:
    """One part of the keywords: every term in the listing's text, or any of the alternatives."""

    words: tuple[str, ...] = ()
    cjk: tuple[str, ...] = ()
    land_use: tuple[str, ...] = ()  # GB/T 21010 codes the part names; two digits: the whole first level
    parcels: tuple[ParcelPlace, ...] = ()  # the parcels the part is the code of (supply)

    @property
    def terms(self) -> list[str]:
        return sorted(set(self.words) | set(self.cjk))


def _clause(text: str, *, land_use: tuple[str, ...] = (), parcels: tuple[ParcelPlace, ...] = ()) -> Clause:
    words, cjk = keyword_terms(text)
    return Clause(words=tuple(words), cjk=tuple(cjk), land_use=land_use, parcels=parcels)


@dataclass(frozen=True)
class ParsedKeywords:
    """The keywords apart: plain text, land-use phrases with their classes, tokens that may be parcel codes."""

    text: str
    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    codes: tuple[str, ...]


def _phrase_pattern() -> re.Pattern[str]:
    phrases = sorted((fold(phrase) for phrase in land_use_phrases()), key=len, reverse=True)  # longest first
    return re.compile("|".join(re.escape(phrase) for phrase in phrases))


_PHRASES = {fold(phrase): codes for phrase, codes in land_use_phrases().items()}
_PHRASE = _phrase_pattern()


def parse_keywords(keywords: str) -> ParsedKeywords:
    """Take the code-like tokens out (as typed, NFKC), then the land-use phrases (longest first); the rest is text."""
    text = unicodedata.normalize("NFKC", keywords)
    codes: list[str] = []

    def take_code(match: re.Match[str]) -> str:
        token = match.group()
        if len(token) < MIN_CODE_LENGTH or not re.search("[0-9]", token) or not re.search("[A-Za-z]", token):
            return token
        codes.append(token)
        return " "

    text = fold(_CODE_TOKEN.sub(take_code, text))
    phrases: dict[str, tuple[str, ...]] = {}

    def take_phrase(match: re.Match[str]) -> str:
        phrases[match.group()] = _PHRASES[match.group()]
        return " "

    text = _PHRASE.sub(take_phrase, text)
    return ParsedKeywords(text=text, phrases=tuple(phrases.items()), codes=tuple(dict.fromkeys(codes)))


def keyword_clauses(keywords: str, *, parcels: bool) -> list[Clause]:
    """The clauses of the keywords, none without terms; with `parcels`, code-like tokens are looked up (one query)."""
    parsed = parse_keywords(keywords)
    places = _parcel_places(parsed.codes) if parcels and parsed.codes else {}
    clauses = [_clause(parsed.text)]
    clauses += [_clause(phrase, land_use=codes) for phrase, codes in parsed.phrases]
    clauses += [_clause(code, parcels=places.get(code, ())) for code in parsed.codes]
    return [clause for clause in clauses if clause.terms]


def _parcel_places(tokens: tuple[str, ...]) -> dict[str, tuple[ParcelPlace, ...]]:
    """Token → the parcel whose code it is, as typed or in upper case (codes' letters are capitals: GB, JA …)."""
    variants = {variant: token for token in tokens for variant in (token.upper(), token)}
    rows = Parcel.objects.filter(code__in=variants).values_list("code", "geometry", "centroid")
    places: dict[str, tuple[ParcelPlace, ...]] = {}
    for code, geometry, centroid in rows:
        token = variants[code]
        places[token] = (*places.get(token, ()), ParcelPlace(geometry=geometry, centroid=centroid))
    return places
