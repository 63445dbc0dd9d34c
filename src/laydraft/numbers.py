"""Numbers in text: find them, read their values, and trace a draft's numbers to a source.

Shared by the numbers check (every figure in a draft must come from the abstract) and the
offline drafter (which copies figures from the abstract and must pass that check).

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

``NumberIndex`` holds what a source supports and answers ``trace(mention)``. A number is
traceable when its value occurs in the source measuring a compatible thing (a count of people
is not matched to a count of studies, a duration in months or a dose in mg; a percentage is
not matched to a bare number; numbers whose context says nothing match anything, but given
the draft's text a bare count matching only numbers that do say what they count must share a
neighbouring word with one of them), so any stretch of words copied from the abstract is
traceable; spelled-out numbers are also accepted when their words occur verbatim. Otherwise
it must be a faithful paraphrase:

- rounding to the precision written (92.3% as 92%, 0.41 as 0.4, 7,843 as 7,800 or 8,000;
  one trailing zero is rounding only when hedged: "about 3,660", not "3,660" for 3,661);
  whole numbers under 10, and counts of people or studies under 1,000, must be exact unless
  hedged ("about 3", "nearly 320"); other units round only at the digits written (18 points
  for 18.1, not 300 mg for 340 mg);
- a qualifier's direction and a modest margin ("over 7,000" for 7,843, "nearly 50%" for 47%);
- scale and unit changes: proportions as percentages (0.74 as 74%), percentages or
  proportions as fractions and ratios (25% as "one in four", 0.5 as "half", 85/202 as "85 out
  of 202"), ratio measures as relative changes (RR 0.73 as "27% lower"), durations across
  units with a 5% margin (24 months as two years; 49 years is not 50 years);
- derived figures only where the source shows the arithmetic in one sentence: the difference
  of two percentages in that sentence (percentage points), the share one count is of another
  ("52 of 104" as half), how many times one number is another (multipliers). Derived changes
  (differences, 1 - RR) support only percentages told as changes ("27% fewer", "reduced by
  27%"), not levels ("27% of patients"). Proportions and multipliers trace only to proportions
  and multipliers: "three times" is not supported by some 3 elsewhere.

Spelled-out small numbers (one to ten) are ordinary words far more often than figures ("one
study", "two groups", "one of the"). They are extracted with ``spelled=True`` and
``quantity=False`` unless they carry a unit, percentage or multiplier, and callers decide
(the numbers check ignores them unless they are quantities). Calendar years (1900-2099
with no unit) have kind ``year``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

NumberKind = Literal[
    "count", "decimal", "percent", "range", "fraction", "ratio", "multiplier", "year", "date"
]
Qualifier = Literal["approx", "more", "less"]

_UNITS_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS_WORDS)}
WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS_WORDS)})
_SCALE_VALUES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}
_MULTIPLIER_WORDS = {
    "twice": 2, "double": 2, "doubled": 2, "doubles": 2, "doubling": 2,
    "triple": 3, "tripled": 3, "triples": 3, "tripling": 3, "threefold": 3, "twofold": 2,
    "quadrupled": 4, "fourfold": 4, "halved": 0.5, "halving": 0.5,
}
WEEKS_PER_UNIT = {
    "minute": 1 / 10_080, "hour": 1 / 168, "day": 1 / 7, "week": 1.0, "month": 52.1775 / 12,
    "year": 52.1775,
}

_W = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_SMALL_W = "one|two|three|four|five|six|seven|eight|nine|ten"
_NUMWORD = (
    rf"(?:{_W}|hundred|thousand|million|billion)"
    rf"(?:(?:-|\s+|\s+and\s+(?=(?:{_W})\b))(?:{_W}|hundred|thousand|million|billion)\b)*"
)
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
_PCT = r"\s?(?:%|per\s?cent\b|percent\b|percentage\s+points?\b)"
_SCALE = r"\s+(?:million|billion|thousand)\b"
_TIME = r"(?:[\s-]*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)\b)"
_B = r"(?<![\w.,])(?<![A-Za-z]-)"  # not glued to letters ("FEV1", "COVID-19") or digits
_NAME_AFTER = (  # nor to capitals or a chemical name after it ("5-FU", "5-fluorouracil")
    r"(?!\d|\.\d|-(?-i:[A-Z]{2})|-(?:fluoro|hydroxy|amino|mercapto|methyl|ethyl|chloro|bromo|"
    r"iodo|deoxy|nitro|oxo|keto|thio|aza))"
)
_FRAC_DEN = "|".join(sorted(_DENOMINATORS, key=len, reverse=True))
_MULT = "|".join(sorted(_MULTIPLIER_WORDS, key=len, reverse=True))

_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DEN_10S = r"(?:10|100|1,?000|10,?000|100,?000|ten|a\s+hundred|one\s+hundred|a\s+thousand)"
_ALTERNATIVES = {
    "date": rf"""
        \b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?\b
      | \b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*|\s+)\d{{4}}\b
      | \b{_MONTH},?\s+\d{{4}}\b""",
    "ratio": rf"""
        (?:\b(?:{_W})(?:-(?:{_W}))?|{_B}\d[\d,]*)\s+
        (?:(?:in|out\s+of|(?:of|in)\s+every)\s+(?!(?:19|20)\d\d\b)(?:{_NUMWORD}|\d[\d,]*)\b
          |(?:[a-z]+\s+){{0,3}}?(?:in|out\s+of|(?:of|in)\s+every|per)\s+{_DEN_10S}\b)
        (?![.,]\d)""",
    "wfrac": rf"""
        \b(?:(?:a|an|one|{_SMALL_W})[\s-]+)?(?:half|halves)\b(?!-life)
      | \b(?:a|one)[\s-]+(?:{_FRAC_DEN})\b(?=\s+of\b)
      | \b(?:two|three|four|five|six|seven|eight|nine)[\s-]+(?:{_FRAC_DEN})\b""",
    "mult": rf"""\b(?:{_MULT})\b(?!-|\s+(?:blind|masked|dummy))
      | {_B}(?:{_NUM}|{_NUMWORD})[\s-]*(?:times|fold)\b""",
    "dozen": r"\b(?:(?:a|one|two|three|four|five|six)\s+)?dozen\b(?!s)",
    "dfrac": rf"{_B}\d{{1,6}}/\d{{1,6}}(?![\d/])",
    "digits": rf"""{_B}(?:{_NUM}){_NAME_AFTER}(?:{_SCALE})?(?:{_PCT})?
        (?:\s*(?:-|–|—|to)\s*(?:{_NUM})(?:{_SCALE})?(?:{_PCT})?(?!\d))?{_TIME}?""",
    "words": rf"\b{_NUMWORD}\b(?:{_PCT})?{_TIME}?",
}


def _compile(names: list[str]) -> re.Pattern[str]:
    body = "\n|".join(f"(?P<{name}>{_ALTERNATIVES[name]})" for name in names)
    return re.compile(body, re.I | re.X)


_PATTERN = _compile(list(_ALTERNATIVES))
_PATTERN_NO_RATIO = _compile([n for n in _ALTERNATIVES if n != "ratio"])
_NUM_RE = re.compile(_NUM)
_WORD_TOKEN = re.compile(r"[a-z]+", re.I)
_PCT_RE = re.compile(r"%|per\s?cent|percentage\s+point", re.I)
_POINTS_RE = re.compile(r"percentage\s+points?", re.I)
_SCALE_AFTER = re.compile(r"\s*(million|billion|thousand)", re.I)
_LEADING_A = re.compile(r"^\s*a\s+", re.I)
_TIME_RE = re.compile(r"(minute|min|hour|hr|day|week|wk|month|year|yr)s?\b", re.I)
_QUALIFIER_WORDS: dict[str, Qualifier] = {
    "about": "approx", "around": "approx", "approximately": "approx", "approx": "approx",
    "approx.": "approx", "roughly": "approx", "some": "approx",
    "over": "more", "above": "more", "exceeding": "more",
    "under": "less", "below": "less", "almost": "less", "nearly": "less",
}
_QUALIFIER_PHRASES: dict[str, tuple[tuple[str, Qualifier], ...]] = {
    "than": (("no more than", "less"), ("more than", "more"), ("greater than", "more"),
             ("less than", "less"), ("fewer than", "less")),
    "to": (("close to", "approx"), ("up to", "less")),
    "least": (("at least", "more"),),
    "most": (("at most", "less"),),
    "of": (("in excess of", "more"),),
    "estimated": (("an estimated", "approx"),),
}
_QUALIFIER_SIGNS: dict[str, Qualifier] = {
    "~": "approx", "≈": "approx", ">": "more", "≥": "more", "<": "less", "≤": "less",
}
_HOURS_AND = re.compile(r"(?:\ban?|\bone|\btwo|\bthree|\d+)[\s-]+hours?\s+and\s+$", re.I)
_TIME_ABBREV = {"min": "minute", "hr": "hour", "wk": "week", "yr": "year"}


_COUNTED = {
    "study": (
        "study studies trial trials rct rcts review reviews report reports paper papers article "
        "articles publication publications cohort cohorts"
    ),
    "person": (
        "people persons person participant participants patient patients woman women man men "
        "child children adult adults infant infants baby babies neonate neonates newborns "
        "subject subjects individual individuals mother mothers girl girls boy boys adolescents "
        "teenagers students volunteers smokers users cases survivors residents workers nurses "
        "doctors families parents carers caregivers recipients pregnancies couples veterans "
        "athletes elderly"
    ),
}
COUNTED_CLASSES: dict[str, str] = {w: cls for cls, words in _COUNTED.items() for w in words.split()}
_MEASURES = (
    "mg g kg µg mcg ug ng ml mL L dl dL mmol µmol IU units mmHg cm mm m km kcal points "
    "point cigarettes doses sessions visits steps beats bpm"
)
MEASURE_UNITS = {u.lower(): u for u in _MEASURES.split()}
_CHANGE_STEMS = (
    "reduc", "increas", "decreas", "lower", "higher", "rais", "improv", "worsen", "differ",
    "declin", "drop", "fall", "fell", "rise", "rose", "less", "more", "fewer", "greater",
    "relative", "absolute",
)
_CLAUSE_BREAK = re.compile(r"[.;:]\s")
_FREQUENCY = re.compile(
    r"\s+(?:daily|weekly|monthly|yearly|annually|nightly|(?:a|per|each|every)\s+"
    r"(?:day|week|month|year|night)s?)\b",
    re.I,
)
_FOLLOWING_WORDS = re.compile(r"[\s-]*(?:[A-Za-zµ][\w'-]*\s*){1,4}")
_PHRASE_ENDS_TEXT = (
    "which whom who whose that them these those with in on at from for to and or but than as "
    "by were was are is be been had have has did do does only each versus vs"
)
_PHRASE_ENDS = frozenset(_PHRASE_ENDS_TEXT.split())
_ENUM_AFTER = re.compile(r"[.)]\s+[A-Z]")
_ENUM_BEFORE = re.compile(r"(?:^|[.:;!?]\s+|\n\s*|\()$")
_LABELS_TEXT = (
    "type grade stage phase class level step cycle visit wave tier category "
    "minute hour day week month year"
)
_LABELS = frozenset(_LABELS_TEXT.split())
_RATIO_SPLIT = re.compile(
    r"\s+(?:[a-z]+\s+){0,3}?(?:in|out\s+of|(?:of|in)\s+every|per)\s+(?=[a-z0-9])", re.I
)


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


def _parse_words(text: str) -> float | None:
    total, current, seen = 0.0, 0.0, False
    for token in _WORD_TOKEN.findall(text.lower()):
        if token in WORD_VALUES:
            current += WORD_VALUES[token]
            seen = True
        elif token == "hundred":
            current = (current or 1) * 100
            seen = True
        elif token in _SCALE_VALUES:
            total += (current or 1) * _SCALE_VALUES[token]
            current, seen = 0.0, True
    return total + current if seen else None


def _parse_number(text: str) -> tuple[float, int] | None:
    """Value and decimal places of one written number (digits or words)."""
    match = _NUM_RE.search(text)
    if match:
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw)
        scale = _SCALE_AFTER.match(text, match.end())
        if scale:
            factor = _SCALE_VALUES[scale.group(1).lower()]
            value *= factor
            decimals -= round(math.log10(factor))
        return value, decimals
    words = _parse_words(_LEADING_A.sub("one ", text))
    return (words, 0) if words is not None else None


def _unit(surface: str) -> str | None:
    if _PCT_RE.search(surface):
        return "points" if _POINTS_RE.search(surface) else "percent"
    match = _TIME_RE.search(surface)
    if not match:
        return None
    unit = match.group(1).lower()
    return _TIME_ABBREV.get(unit, unit)


def _qualifier(text: str, start: int) -> Qualifier | None:
    """The hedge just before a number ("about", "more than", "<"), by string tests: a regex
    anchored at the end of the text before would be tried at every position of it."""
    before = text[max(0, start - 22):start].rstrip().lower()
    if before.endswith(" and"):  # "about one hour and 20 minutes": the hedge covers both
        clause = _HOURS_AND.search(text, max(0, start - 40), start)
        before = text[max(0, start - 40):clause.start()].rstrip().lower() if clause else before
    if not before:
        return None
    sign = _QUALIFIER_SIGNS.get(before[-1])
    if sign:
        return sign if len(before) < 2 or not _is_word_char(before[-2]) else None
    last = before.rsplit(None, 1)[-1]
    word = _QUALIFIER_WORDS.get(last.lstrip("([{'\"") if last[:1] in "([{'\"" else last)
    if word:
        return word
    for phrase, kind in _QUALIFIER_PHRASES.get(last, ()):
        if before.endswith(phrase) and (
            len(before) == len(phrase) or not _is_word_char(before[-len(phrase) - 1])
        ):
            return kind
    return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _counted(text: str, end: int) -> str | None:
    """What the words after a number count or measure: the head of its noun phrase.

    The first unit or counted noun before a word that ends the phrase wins ("14 studies in
    adults" counts studies, "20 of which included participants" says nothing), except that
    a study word qualifying a person word counts people ("1742 trial participants").
    """
    following = _FOLLOWING_WORDS.match(text, end)
    if not following:
        return None
    words = following.group().lower().lstrip(" \t\n-").split()
    for i, word in enumerate(words):
        if word in _PHRASE_ENDS:
            return None
        unit = MEASURE_UNITS.get(word) or MEASURE_UNITS.get(word.rstrip("s"))
        if unit:  # one name for singular and plural: "7-point", "2 more points"
            return unit[:-1] if len(unit) > 3 and unit.endswith("s") else unit
        counted = COUNTED_CLASSES.get(word)
        if counted == "study" and i + 1 < len(words) and COUNTED_CLASSES.get(words[i + 1]):
            return COUNTED_CLASSES[words[i + 1]]
        if counted:
            return counted
    return None


def _told_as_change(text: str, start: int, end: int) -> bool:
    """A change word ("reduced", "fewer", "relative"...) or "by" near the percentage, in
    the same clause: "reduced by 25%", "25% fewer", "a 25% relative reduction"."""
    before = _CLAUSE_BREAK.split(text[max(0, start - 32):start])[-1].lower().split()
    after = _CLAUSE_BREAK.split(text[end:end + 28], maxsplit=1)[0].lower().split()
    return any(w.lstrip("(").startswith(_CHANGE_STEMS) for w in before + after) or "by" in before


def _enumerator(text: str, start: int, end: int) -> bool:
    """A list number, as in "1) ..." or "2. ..." at the start of a sentence or line."""
    return (end - start <= 2 and bool(_ENUM_AFTER.match(text, end))
            and bool(_ENUM_BEFORE.search(text, max(0, start - 4), start)))


def _label(text: str, start: int) -> str | None:
    """The label a number follows, as in "type 2", "grade 3", "day 28", "week 12"."""
    if start < 4 or text[start - 1] != " " or not text[start - 2].isalpha():
        return None
    word = text[max(0, start - 10):start - 1].rsplit(None, 1)[-1].lower()
    return word if word in _LABELS else None


def _ratio(base: dict[str, Any], surface: str) -> NumberMention | None:
    parts = _RATIO_SPLIT.split(surface, maxsplit=1)
    if len(parts) != 2:
        return None
    num, den = _parse_number(parts[0]), _parse_number(parts[1])
    if not num or not den or den[0] == 0 or den[0] > 100_000 or num[0] > den[0]:
        return None
    # precision: "170 out of 1000" is exact to a thousandth; "one in five" is loose
    decimals = max(2, math.ceil(math.log10(den[0]))) if surface[0].isdigit() else 1
    return NumberMention(**base, values=(num[0] / den[0],), decimals=(decimals,), kind="ratio",
                         spelled=not surface[0].isdigit())


def _fraction_words(base: dict[str, Any], low: str) -> NumberMention:
    parts = re.split(r"[\s-]+", low)
    den = _DENOMINATORS[parts[-1]]
    num = WORD_VALUES.get(parts[0], 1) if len(parts) > 1 else 1
    return NumberMention(**base, values=(num / den,), decimals=(1,), kind="fraction",
                         spelled=True)


def _multiplier(base: dict[str, Any], surface: str) -> NumberMention | None:
    word = _MULTIPLIER_WORDS.get(surface.lower())
    if word is not None:
        value, decimals = float(word), 0
    else:
        parsed = _parse_number(re.sub(r"[\s-]*(?:times|fold)$", "", surface, flags=re.I))
        if parsed is None:
            return None
        value, decimals = parsed
    return NumberMention(**base, values=(value,), decimals=(decimals,), kind="multiplier",
                         unit="times", spelled=not surface[0].isdigit())


def _digits(
    base: dict[str, Any], surface: str, counted: str | None, label: str | None, decade: bool
) -> NumberMention | None:
    parts = _RANGE_SPLIT.split(surface, maxsplit=1)
    parsed = [p for p in (_parse_number(part) for part in parts) if p]
    if len(parsed) != len(parts):
        return None
    values = tuple(p[0] for p in parsed)
    decimals = tuple(p[1] for p in parsed)
    unit = _unit(surface)
    if label in WEEKS_PER_UNIT and unit is None and max(values) < 1000:
        unit = label  # "day 28" is 28 days in
    elif label and label not in WEEKS_PER_UNIT:
        counted = label  # "type 2" is matched only to another "type 2"
    kind: NumberKind
    if len(values) == 2:
        kind = "range"
    elif unit in ("percent", "points"):
        kind = "percent"
    elif decimals[0] > 0:
        kind = "decimal"
    elif 1900 <= values[0] <= 2099 and "," not in surface and unit is None and (
        decade or not counted
    ):
        kind = "year"
    else:
        kind = "count"
    return NumberMention(**base, values=values, decimals=decimals, kind=kind, unit=unit,
                         counts=counted if unit is None else None)


def _words(base: dict[str, Any], surface: str, counted: str | None) -> NumberMention | None:
    value = _parse_words(surface)
    if value is None:
        return None
    unit = _unit(surface)
    kind: NumberKind = "percent" if unit in ("percent", "points") else "count"
    return NumberMention(**base, values=(value,), kind=kind, unit=unit, spelled=True,
                         quantity=value > 10 or unit is not None,
                         counts=counted if unit is None else None)


def _mention(match: re.Match[str], text: str) -> NumberMention | None:
    group = match.lastgroup
    surface = match.group()
    start, end = match.span()
    base: dict[str, Any] = {
        "text": surface, "start": start, "end": end, "qualifier": _qualifier(text, start)
    }
    if group == "date":
        values = tuple(float(n) for n in re.findall(r"\d+", surface))
        return NumberMention(**base, values=values, decimals=(0,) * len(values), kind="date")
    if group == "ratio":
        return _ratio(base, surface)
    if group == "wfrac":
        return _fraction_words(base, surface.lower())
    if group == "mult":
        mention = _multiplier(base, surface)
        if mention and _FREQUENCY.match(text, end):  # "twice daily" is how often, not a ratio
            how_often = {"kind": "count", "unit": None, "counts": "frequency"}
            return mention.model_copy(update=how_often)
        return mention
    if group == "dozen":
        low = surface.lower()
        count = WORD_VALUES.get(low.split()[0], 1) if " " in low else 1
        return NumberMention(**base, values=(12.0 * count,), kind="count", spelled=True)
    if group == "dfrac":
        a, b = (float(x) for x in surface.split("/"))
        return NumberMention(**base, values=(a, b), decimals=(0, 0), kind="fraction")
    if "%" in surface or "ent" in surface or "ENT" in surface:  # a percentage, or a few others
        base["change"] = _told_as_change(text, start, end)
    if group == "digits" and _enumerator(text, start, end):
        return None
    if group == "digits":
        decade = text[end:end + 1] == "s" and surface.isdigit()  # "the 1970s"
        counted = None if decade else _counted(text, end)
        return _digits(base, surface, counted, _label(text, start), decade)
    counted = _counted(text, end)
    return _words(base, surface, counted)


_RANGE_SPLIT = re.compile(r"(?<=[\d%a-z])\s*(?:-|–|—|\bto\b)\s*(?=[\d.])", re.I)


_MONTHS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_TRIGGERS = {
    *WORD_VALUES, *_SCALE_VALUES, *_DENOMINATORS, *_MULTIPLIER_WORDS, "a", "an", "dozen",
}
_MONTH_SET = set(_MONTHS.split())
_CANDIDATE = re.compile(r"[A-Za-z]+|(?<![\w.,])\.?\d")


def _starts(text: str) -> list[int]:
    """Where a number can start: digits and number-related words (cheap to find).

    Trying the full pattern only there is several times faster than ``finditer``, which
    tries every alternative at every character.
    """
    starts = []
    for match in _CANDIDATE.finditer(text):
        token = match.group()
        if token[-1].isdigit() or token.lower() in _TRIGGERS or token in _MONTH_SET:
            starts.append(match.start())
    return starts


@lru_cache(maxsize=512)
def _extract(text: str) -> tuple[NumberMention, ...]:
    found: list[NumberMention] = []
    done = 0
    for start in _starts(text):
        if start < done:
            continue
        match = _PATTERN.match(text, start)
        if match is None:
            continue
        done = match.end()
        mention = _mention(match, text)
        if mention is not None:
            found.append(mention)
        elif match.lastgroup == "ratio":  # not a ratio after all: read its numbers one by one
            span = _PATTERN_NO_RATIO.finditer(text, match.start(), match.end())
            found.extend(m for m in (_mention(x, text) for x in span) if m is not None)
    return tuple(found)


def extract_numbers(text: str) -> list[NumberMention]:
    """Every number written in ``text``, in order, with spans into ``text``."""
    return list(_extract(text))


# --- tracing -------------------------------------------------------------------------------

_EFFECT_LABEL = re.compile(
    r"(?:\b(?:RR|OR|HR|IRR|aOR|aHR|aRR|RRR|ratio|relative risk|risk ratio|odds ratio|"
    r"hazard ratio|rate ratio)\b)[^.;\d]{0,12}$",
    re.I,
)
_NNT_LABEL = re.compile(
    r"\b(?:NNTB?|NNTH|NNH|number needed to (?:treat|harm)(?: for an additional \w+ outcome)?)"
    r"[^.;\d]{0,14}$",
    re.I,
)
_STATISTIC_BEFORE = re.compile(
    r"(?:\bCI\b|confidence interval|\bp\s*(?:value)?\s*[=<>≤≥]|\bI2|\bI²|\bSD\b|±)[^;]{0,8}$",
    re.I,
)
_INTERVAL_AFTER = re.compile(r"\s*(?:CI\b|confidence|credible|prediction|uncertainty)", re.I)
_OF_PAIR = re.compile(
    r"(?<![\d.,])(\d[\d,]*)\s*(?:/|of|out of|in)\s*(\d[\d,]*)(?![\d.,]\d)", re.I
)
_SCALE_WORD = re.compile(r"million|billion|thousand", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\d])")


def dimension(mention: NumberMention) -> str | None:
    """What a number measures, when the text says: a time unit, percent, people, studies."""
    if mention.unit in ("percent", "points"):
        return "percent"
    if mention.unit in WEEKS_PER_UNIT:
        return mention.unit
    return mention.counts


def _sentences(text: str, mentions: list[NumberMention]) -> list[list[NumberMention]]:
    """The mentions grouped by the sentence they are in."""
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    groups: dict[int, list[NumberMention]] = defaultdict(list)
    for mention in mentions:
        groups[bisect.bisect_right(ends, mention.start)].append(mention)
    return list(groups.values())


def _key(value: float) -> float:
    return round(value, 6)


def _step(value: float, decimals: int, *, loose: bool, widen: bool = True) -> float:
    """The rounding unit a written number implies: 0.4 -> 0.1, 92 -> 1, 7,800 -> 100.

    Trailing zeros of whole numbers count as rounding from 100 up when there are two or more
    ("7,800"), or from 10 up when the number is hedged ("about 30%", "over 80"); a hedge never
    widens past a fifth of the value. ``widen=False`` keeps the precision of the digits.
    """
    step = 10.0 ** -decimals
    if widen and decimals <= 0 and value >= (10 if loose else 100):
        digits = str(int(value))
        zeros = len(digits) - len(digits.rstrip("0"))
        if loose or zeros >= 2:  # unhedged, 3,660 is a count; 3,600 may be rounded
            step = max(step, 10.0 ** zeros)
    return min(step, 0.2 * value) if loose and value else step


def _window(
    value: float, decimals: int, qualifier: Qualifier | None, *, widen: bool = True
) -> tuple[float, float]:
    step = _step(value, decimals, loose=qualifier is not None, widen=widen)
    if qualifier == "more":
        return value, value + step
    if qualifier == "less":
        return value - step, value
    if qualifier == "approx":
        unit = 10.0 ** -decimals  # "about 25%" for 24%, but "about 3" is not 2 or 4
        half = max(step / 2, unit / 2, min(unit, 0.05 * value))
        return value - half, value + half
    return value - step / 2, value + step / 2


_CONTENT_WORD = re.compile(r"[a-z]{3,}")
_FUNCTION_WORDS_TEXT = (
    "the and for with was were are this that these those from than had has have who which "
    "their there they them its not but all any one two three four five six seven eight nine ten "
    "more less each per into between only also after before over under about"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


def _near_words(text: str, mention: NumberMention) -> set[str]:
    """Content words within a few words of a mention, crudely stemmed."""
    window = text[max(0, mention.start - 50):mention.end + 50].lower()
    return {w.rstrip("s") for w in _CONTENT_WORD.findall(window) if w not in _FUNCTION_WORDS}


def _hit(pool: list[float], low: float, high: float) -> bool:
    i = bisect.bisect_left(pool, low - 1e-9)
    return i < len(pool) and pool[i] <= high + 1e-9


class NumberIndex:
    """What a source text supports, for tracing a draft's numbers to it."""

    def __init__(self, text: str, extra: tuple[str, ...] = ()) -> None:
        self.text = "\n".join((text, *extra))
        self._surface = self.text.lower()
        self.mentions = extract_numbers(self.text)
        self._near: dict[float, set[str]] | None = None
        by_class: dict[str | None, set[float]] = defaultdict(set)
        self.percents: list[float] = []
        self.changes: list[float] = []  # percentages derived as changes: differences, 1 - RR
        self.proportions: list[float] = []
        self.multipliers: list[float] = []
        self.durations: dict[str, list[float]] = defaultdict(list)
        for mention in self.mentions:
            self._add(mention, by_class)
        for sentence in _sentences(self.text, self.mentions):
            self._add_derived(sentence)
        unknown = by_class[None]
        self._everything = sorted(set().union(*by_class.values()))
        self._values = {c: sorted(vals if c == "percent" else unknown | vals)
                        for c, vals in by_class.items() if c}
        self._exact = {c: {_key(v) for v in vals} for c, vals in self._values.items()}
        self._exact_all = {_key(v) for v in self._everything}
        self._unknown = sorted(unknown)
        self._exact_unknown = {_key(v) for v in unknown}
        for name in ("percents", "changes", "proportions", "multipliers"):
            setattr(self, name, sorted(set(getattr(self, name))))
        self.durations = {unit: sorted(set(weeks)) for unit, weeks in self.durations.items()}

    def _add(self, mention: NumberMention, by_class: dict[str | None, set[float]]) -> None:
        before = self.text[max(0, mention.start - 30):mention.start]
        statistic = bool(_STATISTIC_BEFORE.search(before)) or mention.kind == "range"
        effect = bool(_EFFECT_LABEL.search(before))
        if mention.kind == "count" and mention.value > 0 and _NNT_LABEL.search(before):
            self.proportions.append(1 / mention.value)  # NNT 19 is "1 in 19"
        interval_level = bool(_INTERVAL_AFTER.match(self.text, mention.end))
        by_class[dimension(mention)].update(mention.values)
        raw = _NUM_RE.search(mention.text)
        if raw and _SCALE_WORD.search(mention.text):  # "1.2 million" also supports 1.2
            by_class[None].add(float(raw.group().replace(",", "")))
        for value in mention.values:
            if mention.kind == "multiplier":
                self.multipliers.append(value)
            if mention.unit in ("percent", "points") and not interval_level:
                self.percents.append(value)
                self.proportions.append(value / 100)
            elif mention.kind in ("ratio", "fraction") and value <= 1:
                self.proportions.append(value)
                self.percents.append(value * 100)
            elif mention.kind == "fraction" and len(mention.values) == 2:  # 85/202
                share = mention.values[0] / mention.values[1] if mention.values[1] else 2.0
                if share <= 1:
                    self.proportions.append(share)
                    self.percents.append(share * 100)
            elif mention.unit in WEEKS_PER_UNIT:
                self.durations[mention.unit].append(value * WEEKS_PER_UNIT[mention.unit])
            elif mention.kind == "decimal" and not statistic and 0 < value <= 1:
                self.percents.append(value * 100)
                self.proportions.append(value)
            if effect and mention.kind == "decimal" and not statistic and value > 0:
                self.multipliers.extend((value, 1 / value))
                self.changes.append(abs(1 - value) * 100)

    def _add_derived(self, found: list[NumberMention]) -> None:
        percents = [v for m in found if m.unit == "percent"
                    and not _INTERVAL_AFTER.match(self.text, m.end) for v in m.values]
        for i, a in enumerate(percents):
            self.changes.extend(abs(a - b) for b in percents[i + 1:])
        counts = [m.value for m in found if m.kind == "count" and m.value > 0]
        for i, a in enumerate(counts):
            for b in counts[i + 1:]:
                low, high = sorted((a, b))
                self.proportions.append(low / high)
                self.multipliers.append(high / low)
        if len(found) > 1:
            for match in _OF_PAIR.finditer(self.text, found[0].start, found[-1].end):
                a, b = (float(g.replace(",", "")) for g in match.groups())
                if 0 < a <= b:
                    self.percents.append(100 * a / b)
                    self.proportions.append(a / b)

    # -- questions -------------------------------------------------------------------------

    def verbatim(self, mention: NumberMention) -> bool:
        """The mention's text occurs in the source, not as part of a longer number."""
        needle = mention.text.lower()
        start = self._surface.find(needle)
        while start >= 0:
            end = start + len(needle)
            before = self._surface[start - 1] if start else " "
            after = self._surface[end:end + 2]
            if not (before.isalnum() or before in ".,") and not (
                after[:1].isalnum() or (after[:1] in ".," and after[1:2].isdigit())
            ):
                return True
            start = self._surface.find(needle, start + 1)
        return False

    def trace(self, mention: NumberMention, text: str | None = None) -> str | None:
        """How the source supports the mention ('value', 'rounded', 'percent'...), or None.

        Spelled-out numbers found verbatim are accepted as they stand ('verbatim'): number
        words read differently out of context ("twenty" of "twenty-five"). Given the draft
        ``text`` the mention is in, a count that says nothing of what it counts and matches
        only numbers that do ("12" for "12 trials") must share a neighbouring word with one.
        """
        if mention.spelled and self.verbatim(mention):
            return "verbatim"
        reasons = [self._trace_value(mention, v, d) for v, d in
                   zip(mention.values, mention.decimals + (0,) * 3, strict=False)]
        if any(r is None for r in reasons):
            return None
        if text is not None and reasons[0] == "value" and not self._in_context(mention, text):
            return None
        return reasons[0]

    def _in_context(self, mention: NumberMention, text: str) -> bool:
        if mention.kind != "count" or dimension(mention) is not None:
            return True
        key = _key(mention.value)
        if key in self._exact_unknown:
            return True
        if self._near is None:
            self._near = defaultdict(set)
            for m in self.mentions:
                if dimension(m) is not None:
                    words = _near_words(self.text, m)
                    for v in m.values:
                        self._near[_key(v)] |= words
        return bool(self._near.get(key, set()) & _near_words(text, mention))

    def _pool(self, mention: NumberMention) -> tuple[set[float], list[float]]:
        dim = dimension(mention)
        if dim is None:
            return self._exact_all, self._everything
        if dim == "percent" and dim not in self._values:
            return set(), []  # a percentage is not supported by a bare number
        if dim not in self._values:
            return self._exact_unknown, self._unknown
        return self._exact[dim], self._values[dim]

    def _trace_value(self, mention: NumberMention, value: float, decimals: int) -> str | None:
        """Proportions and multipliers trace only to proportions and multipliers (a "1 in 5"
        or "three times" is not supported by some 5 or 3 elsewhere); durations convert with
        a 5% margin only from another unit (49 years is not "about" 50 years)."""
        q = mention.qualifier
        if mention.kind in ("fraction", "ratio") and value <= 1:
            if mention.spelled:
                tol = max(0.03, 0.15 * value) if q else max(0.02, 0.1 * value)
                low, high = value - tol, value + tol
            else:
                low, high = _window(value, decimals, q)
            return "fraction" if _hit(self.proportions, low, high) else None
        if mention.kind == "multiplier":
            tol = 0.1 * value + 0.05
            return "multiplier" if _hit(self.multipliers, value - tol, value + tol) else None
        exact, values = self._pool(mention)
        if _key(value) in exact:
            return "value"
        if mention.unit in WEEKS_PER_UNIT:
            weeks = value * WEEKS_PER_UNIT[mention.unit]
            if any(_hit(pool, weeks * 0.95, weeks * 1.05)
                   for unit, pool in self.durations.items() if unit != mention.unit):
                return "duration"
        low, high = _window(value, decimals, q)
        if mention.unit in ("percent", "points"):
            reason = self._trace_percent(mention, low, high)
            if reason:
                return reason
        people_or_studies = mention.counts in ("person", "study")
        if decimals == 0 and q is None and (value < 10 or (people_or_studies and value < 1000)):
            return None  # small whole numbers and counts of people or studies are exact
        if mention.counts and not people_or_studies and q is None:
            low, high = _window(value, decimals, None, widen=False)  # 300 mg is not 340 mg
        return "rounded" if _hit(values, low, high) else None

    def _trace_percent(self, mention: NumberMention, low: float, high: float) -> str | None:
        """A percentage as a level, or a derived change (a difference, 1 - RR) when the draft
        tells it as one ("27% fewer", "reduced by 27%", "20 percentage points")."""
        if _hit(self.percents, low, high):
            return "percent"
        told_as_change = mention.change or mention.unit == "points"
        return "change" if told_as_change and _hit(self.changes, low, high) else None


@lru_cache(maxsize=128)
def index_for(text: str, extra: tuple[str, ...] = ()) -> NumberIndex:
    """A cached ``NumberIndex``: checks run on many drafts of the same abstract."""
    return NumberIndex(text, extra)
