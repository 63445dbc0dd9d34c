"""Numbers in text: find them and read what they mean (extraction only; see ``tracing``).

``extract_numbers`` finds digits (``212``, ``1,024``, ``0.41``, ``1.2 million``), percentages,
ranges (``40-60``, ``2 to 14 years``), digit fractions (``131/212``), number words
(``ninety-four``, ``a dozen``), fractions in words (``half``, ``a third``, ``two thirds``),
ratios (``one in five``, ``2 out of 3``, ``one in every 10``) and multipliers (``twice``,
``three times``, ``doubled``, ``4-fold``), each with its span, values, kind, time unit
(minutes to years) and any qualifier (``about``, ``more than``...). What a number counts or
measures is read from the head of the noun phrase after it ("14 studies in adults" counts
studies) or from a label before it ("day 28" is a time, "type 2" a label). Names and list
markers are not numbers: ``5-FU``, ``5-fluorouracil``, ``1)`` or ``2.`` opening a sentence;
``twice daily`` is a frequency, not a multiplier; ``the 1970s`` is a year.

Spelled-out small numbers (one to ten) are ordinary words far more often than figures ("one
study", "two groups", "one of the"). They are extracted with ``spelled=True`` and
``quantity=False`` unless they carry a unit, percentage or multiplier, and callers decide
(the numbers check ignores them unless they are quantities). Calendar years (1900-2099
with no unit) have kind ``year``.

Text is read after ``normalise.for_reading`` (U+2010 hyphens, minus signs and odd spaces read
as their ASCII forms); spans and ``text`` refer to the text as given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from . import number_context as context
from .normalise import for_reading
from .number_context import Qualifier
from .number_grammar import PATTERN, PATTERN_NO_RATIO, starts
from .number_words import (
    DENOMINATORS,
    MULTIPLIER_WORDS,
    WEEKS_PER_UNIT,
    WORD_VALUES,
    parse_number,
    parse_words,
)

NumberKind = Literal[
    "count", "decimal", "percent", "range", "fraction", "ratio", "multiplier", "year", "date"
]
__all__ = ["NumberKind", "NumberMention", "Qualifier", "dimension", "extract_numbers"]

_PCT_RE = re.compile(r"%|per\s?cent|percentage\s+point", re.I)
_POINTS_RE = re.compile(r"percentage\s+points?", re.I)
_TIME_RE = re.compile(r"(minute|min|hour|hr|day|week|wk|month|year|yr)s?\b", re.I)
_TIME_ABBREV = {"min": "minute", "hr": "hour", "wk": "week", "yr": "year"}
_RATIO_SPLIT = re.compile(
    r"\s+(?:[a-z]+\s+){0,3}?(?:in|out\s+of|(?:of|in)\s+every|per)\s+(?=[a-z0-9])", re.I
)
_RANGE_SPLIT = re.compile(r"(?<=[\d%a-z])\s*(?:-|–|—|\bto\b)\s*(?=[\d.])", re.I)
_MULTIPLIER_SUFFIX = re.compile(r"[\s-]*(?:times|fold)$", re.I)


class NumberMention(BaseModel):
    """One number as written in a text, with what it means."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: int
    end: int
    values: tuple[float, ...]
    decimals: tuple[int, ...] = (0,)
    kind: NumberKind
    unit: str | None = None  # "percent", "points", "times", or hour/day/week/month/year
    spelled: bool = False
    quantity: bool = True  # False for small number words used as ordinary words
    qualifier: Qualifier | None = None
    counts: str | None = None  # what it counts or measures: "person", "study", "mg"...
    change: bool = False  # a percentage told as a change: "25% fewer", "reduced by 25%"

    @property
    def value(self) -> float:
        return self.values[0]


def dimension(mention: NumberMention) -> str | None:
    """What a number measures, when the text says: a time unit, percent, people, studies."""
    if mention.unit in ("percent", "points"):
        return "percent"
    if mention.unit in WEEKS_PER_UNIT:
        return mention.unit
    return mention.counts


def _unit(surface: str) -> str | None:
    if _PCT_RE.search(surface):
        return "points" if _POINTS_RE.search(surface) else "percent"
    match = _TIME_RE.search(surface)
    if not match:
        return None
    unit = match.group(1).lower()
    return _TIME_ABBREV.get(unit, unit)


# --- one builder per shape of the grammar --------------------------------------------------
# Each takes the match, the whole text and the fields every mention shares (``base``).

Builder = Callable[[re.Match[str], str, dict[str, Any]], "NumberMention | None"]


def _date(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention:
    values = tuple(float(n) for n in re.findall(r"\d+", match.group()))
    return NumberMention(**base, values=values, decimals=(0,) * len(values), kind="date")


def _ratio(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention | None:
    surface = match.group()
    parts = _RATIO_SPLIT.split(surface, maxsplit=1)
    if len(parts) != 2:
        return None
    num, den = parse_number(parts[0]), parse_number(parts[1])
    if not num or not den or den[0] == 0 or den[0] > 100_000 or num[0] > den[0]:
        return None
    # precision: "170 out of 1000" is exact to a thousandth, "9 in 10" to a tenth (a share
    # per 10, 100, 1000 is a rounded percentage); "3 in 7" is exact; "one in five" is loose
    decimals = _ratio_decimals(den[0]) if surface[0].isdigit() else 1
    return NumberMention(**base, values=(num[0] / den[0],), decimals=(decimals,), kind="ratio",
                         spelled=not surface[0].isdigit())


def _ratio_decimals(denominator: float) -> int:
    places = math.log10(denominator)
    if places >= 1 and places == int(places):
        return int(places)
    return max(2, math.ceil(places))


def _fraction_words(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention:
    parts = re.split(r"[\s-]+", match.group().lower())
    den = DENOMINATORS[parts[-1]]
    num = WORD_VALUES.get(parts[0], 1) if len(parts) > 1 else 1
    return NumberMention(**base, values=(num / den,), decimals=(1,), kind="fraction",
                         spelled=True)


def _multiplier(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention | None:
    """"three times", "4-fold", "doubled"; "twice daily" is how often, not a multiplier."""
    surface = match.group()
    word = MULTIPLIER_WORDS.get(surface.lower())
    parsed = (float(word), 0) if word is not None else parse_number(
        _MULTIPLIER_SUFFIX.sub("", surface))
    if parsed is None:
        return None
    mention = NumberMention(**base, values=(parsed[0],), decimals=(parsed[1],),
                            kind="multiplier", unit="times", spelled=not surface[0].isdigit())
    if context.FREQUENCY.match(text, match.end()):
        return mention.model_copy(update={"kind": "count", "unit": None, "counts": "frequency"})
    return mention


_HALF_WHOLE = re.compile(r"^(.*?)\s+(?:and\s+a\s+half|(?:minute|hour|day|week|month|year)s?)\b",
                         re.I)


def _half_unit(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention | None:
    """"a year and a half", "two and a half months": a duration to the half unit."""
    surface = match.group()
    head = _HALF_WHOLE.match(surface)
    whole_text = head.group(1) if head else ""
    whole = (1.0, 0) if whole_text.lower() in ("a", "an") else parse_number(whole_text)
    if whole is None:
        return None
    # told to the half unit: decimals 0 lets a hedge reach +-0.5 ("about three and a half
    # minutes" for 3.29); unhedged, small whole units must still match exactly or convert
    return NumberMention(**base, values=(whole[0] + 0.5,), decimals=(0,), kind="count",
                         unit=_unit(surface), spelled=not surface[0].isdigit())


def _dozen(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention:
    low = match.group().lower()
    count = WORD_VALUES.get(low.split()[0], 1) if " " in low else 1
    return NumberMention(**base, values=(12.0 * count,), kind="count", spelled=True)


def _digit_fraction(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention:
    a, b = (float(x) for x in match.group().split("/"))
    return NumberMention(**base, values=(a, b), decimals=(0, 0), kind="fraction")


def _with_change(match: re.Match[str], text: str, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` plus whether a percentage (or a few other numbers) is told as a change."""
    surface = match.group()
    if "%" in surface or "ent" in surface or "ENT" in surface:
        return {**base, "change": context.told_as_change(text, *match.span())}
    return base


def _digits(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention | None:
    start, end = match.span()
    surface = match.group()
    parsed = None if context.enumerator(text, start, end) else _range_values(surface)
    if parsed is None:
        return None
    values, decimals = parsed
    decade = text[end:end + 1] == "s" and surface.isdigit()  # "the 1970s"
    counts = None if decade else context.counted(text, end)
    unit, counts = _labelled(context.label(text, start), _unit(surface), counts, values)
    kind = _digits_kind(surface, values, decimals, unit, year_ok=decade or not counts)
    return NumberMention(**_with_change(match, text, base), values=values, decimals=decimals,
                         kind=kind, unit=unit, counts=counts if unit is None else None)


def _range_values(surface: str) -> tuple[tuple[float, ...], tuple[int, ...]] | None:
    """(values, decimals) of a number or a range ("40-60", "2 to 14"), if all parts read."""
    parts = _RANGE_SPLIT.split(surface, maxsplit=1)
    parsed = [p for p in (parse_number(part) for part in parts) if p]
    if len(parsed) != len(parts):
        return None
    return tuple(p[0] for p in parsed), tuple(p[1] for p in parsed)


def _labelled(
    label: str | None, unit: str | None, counts: str | None, values: tuple[float, ...]
) -> tuple[str | None, str | None]:
    """(unit, counts) given the label before a number: "day 28" is 28 days in; "type 2" is
    matched only to another "type 2"."""
    if label in WEEKS_PER_UNIT and unit is None and max(values) < 1000:
        return label, counts
    if label and label not in WEEKS_PER_UNIT:
        return unit, label
    return unit, counts


def _digits_kind(
    surface: str, values: tuple[float, ...], decimals: tuple[int, ...], unit: str | None,
    *, year_ok: bool,
) -> NumberKind:
    if len(values) == 2:
        return "range"
    if unit in ("percent", "points"):
        return "percent"
    if decimals[0] > 0:
        return "decimal"
    if 1900 <= values[0] <= 2099 and "," not in surface and unit is None and year_ok:
        return "year"
    return "count"


def _words(match: re.Match[str], text: str, base: dict[str, Any]) -> NumberMention | None:
    surface = match.group()
    value = parse_words(surface)
    if value is None:
        return None
    unit = _unit(surface)
    kind: NumberKind = "percent" if unit in ("percent", "points") else "count"
    return NumberMention(**_with_change(match, text, base), values=(value,), kind=kind,
                         unit=unit, spelled=True, quantity=value > 10 or unit is not None,
                         counts=context.counted(text, match.end()) if unit is None else None)


_BUILDERS: dict[str, Builder] = {
    "halfunit": _half_unit, "date": _date, "ratio": _ratio, "wfrac": _fraction_words, "mult": _multiplier,
    "dozen": _dozen, "dfrac": _digit_fraction, "digits": _digits, "words": _words,
}


def _mention(match: re.Match[str], text: str) -> NumberMention | None:
    start, end = match.span()
    base: dict[str, Any] = {
        "text": match.group(), "start": start, "end": end,
        "qualifier": context.qualifier(text, start),
    }
    return _BUILDERS[match.lastgroup or "words"](match, text, base)


def _read_at(text: str, start: int) -> tuple[int, list[NumberMention]]:
    """(end of what was read, mentions) for a number that may start at ``start``."""
    match = PATTERN.match(text, start)
    if match is None:
        return start, []
    mention = _mention(match, text)
    if mention is not None:
        return match.end(), [mention]
    if match.lastgroup == "ratio":  # not a ratio after all: read its numbers one by one
        span = PATTERN_NO_RATIO.finditer(text, match.start(), match.end())
        return match.end(), [m for m in (_mention(x, text) for x in span) if m is not None]
    return match.end(), []


@lru_cache(maxsize=512)
def _extract(text: str) -> tuple[NumberMention, ...]:
    found: list[NumberMention] = []
    done = 0
    for start in starts(text):
        if start >= done:
            done, mentions = _read_at(text, start)
            found.extend(mentions)
    return tuple(found)


def extract_numbers(text: str) -> list[NumberMention]:
    """Every number written in ``text``, in order, with spans into ``text``."""
    readable = for_reading(text)
    mentions = _extract(readable)
    if readable == text:
        return list(mentions)
    return [m.model_copy(update={"text": text[m.start:m.end]}) for m in mentions]
