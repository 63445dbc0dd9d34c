"""Number vocabulary and how written numbers read as values.

The words (``ninety-four``, ``a third``, ``twice``), scales (``1.2 million``) and time units
shared by the number grammar, the extractor and tracing, and ``parse_number``, the one place a
written number (digits or words) becomes a value with its precision.
"""

from __future__ import annotations

import math
import re

_UNITS_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS_WORDS)}
WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS_WORDS)})
SCALE_VALUES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}
MULTIPLIER_WORDS = {
    "twice": 2, "double": 2, "doubled": 2, "doubles": 2, "doubling": 2,
    "triple": 3, "tripled": 3, "triples": 3, "tripling": 3, "threefold": 3, "twofold": 2,
    "quadrupled": 4, "fourfold": 4, "halved": 0.5, "halving": 0.5,
}
WEEKS_PER_UNIT = {
    "minute": 1 / 10_080, "hour": 1 / 168, "day": 1 / 7, "week": 1.0, "month": 52.1775 / 12,
    "year": 52.1775,
}

NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
NUM_RE = re.compile(NUM)
_WORD_TOKEN = re.compile(r"[a-z]+", re.I)
_SCALE_AFTER = re.compile(r"\s*(million|billion|thousand)", re.I)
_LEADING_A = re.compile(r"^\s*a\s+", re.I)


def parse_words(text: str) -> float | None:
    """The value of a number in words ("ninety-four", "two thousand and five"), if any."""
    total, current, seen = 0.0, 0.0, False
    for token in _WORD_TOKEN.findall(text.lower()):
        if token in WORD_VALUES:
            current += WORD_VALUES[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in SCALE_VALUES:
            total += (current or 1) * SCALE_VALUES[token]
            current = 0.0
        else:
            continue
        seen = True
    return total + current if seen else None


def parse_number(text: str) -> tuple[float, int] | None:
    """Value and decimal places of one written number (digits or words)."""
    match = NUM_RE.search(text)
    if match:
        return _parse_digits(text, match)
    words = parse_words(_LEADING_A.sub("one ", text))
    return (words, 0) if words is not None else None


def _parse_digits(text: str, match: re.Match[str]) -> tuple[float, int]:
    """Digits, scaled by a "million" after them: 1.2 million is 1,200,000 to 100,000s."""
    raw = match.group().replace(",", "")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw)
    scale = _SCALE_AFTER.match(text, match.end())
    if scale:
        factor = SCALE_VALUES[scale.group(1).lower()]
        value *= factor
        decimals -= round(math.log10(factor))
    return value, decimals
