"""The regular grammar of written numbers, and where in a text a number can start.

One named alternative per shape (date, ratio, fraction in words, multiplier, dozen, digit
fraction, digits, words); the extractor builds a ``NumberMention`` from whichever matched.
"""

from __future__ import annotations

import re

from .number_words import DENOMINATORS, MULTIPLIER_WORDS, NUM, SCALE_VALUES, WORD_VALUES

_W = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_SMALL_W = "one|two|three|four|five|six|seven|eight|nine|ten"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_BELOW_20 = "|".join(sorted((w for w in WORD_VALUES if w not in _TENS.split("|")),
                            key=len, reverse=True))
_SMALL = rf"(?:(?:{_TENS})\b(?:[\s-](?:{_UNITS})\b)?|(?:{_BELOW_20})\b)"
_HUNDREDS = rf"(?:{_SMALL}\s+hundred\b(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL})"
# a written number is a well-formed compound ("ninety-four", "two hundred and five", "three
# thousand"); words merely next to each other are separate numbers: "five one-hour sessions",
# "one and two years", "two one-year studies"
NUMWORD = (
    rf"(?:{_HUNDREDS}(?:\s+(?:thousand|million|billion)\b(?:\s+(?:and\s+)?{_HUNDREDS})?)?"
    rf"|(?:hundred|thousand|million|billion)\b)"
)
_PCT = r"\s?(?:%|per\s?cent\b|percent\b|percentage\s+points?\b)"
_SCALE = r"\s+(?:million|billion|thousand)\b"
_TIME = r"(?:[\s-]*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)\b)"
_B = r"(?<![\w.,])(?<![A-Za-z]-)"  # not glued to letters ("FEV1", "COVID-19") or digits
_NAME_AFTER = (  # nor to capitals or a chemical name after it ("5-FU", "5-fluorouracil")
    r"(?!\d|\.\d|-(?-i:[A-Z]{2})|-(?:fluoro|hydroxy|amino|mercapto|methyl|ethyl|chloro|bromo|"
    r"iodo|deoxy|nitro|oxo|keto|thio|aza))"
)
_FRAC_DEN = "|".join(sorted(DENOMINATORS, key=len, reverse=True))
_MULT = "|".join(sorted(MULTIPLIER_WORDS, key=len, reverse=True))

_MONTHS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DEN_10S = r"(?:10|100|1,?000|10,?000|100,?000|ten|a\s+hundred|one\s+hundred|a\s+thousand)"
_UNIT_WORD = r"(?:minute|hour|day|week|month|year)s?"
_ALTERNATIVES = {
    "halfunit": rf"""
        \b(?:a|an|one|{_W})\s+{_UNIT_WORD}\s+and\s+a\s+half\b
      | (?:\b(?:{_W})|{_B}\d+)\s+and\s+a\s+half\s+{_UNIT_WORD}\b""",
    "date": rf"""
        \b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?\b
      | \b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*|\s+)\d{{4}}\b
      | \b{_MONTH},?\s+\d{{4}}\b""",
    "ratio": rf"""
        (?:\b(?:{_W})(?:-(?:{_W}))?|{_B}\d[\d,]*)\s+
        (?:(?:in|out\s+of|(?:of|in)\s+every)\s+(?!(?:19|20)\d\d\b)(?:{NUMWORD}|\d[\d,]*)\b
          |(?:[a-z]+\s+){{0,3}}?(?:in|out\s+of|(?:of|in)\s+every|per)\s+{_DEN_10S}\b)
        (?![.,]\d)""",
    "wfrac": rf"""
        \b(?:(?:a|an|one|{_SMALL_W})[\s-]+)?(?:half|halves)\b(?!-life)
      | \b(?:a|one)[\s-]+(?:{_FRAC_DEN})\b(?=\s+of\b)
      | \b(?:two|three|four|five|six|seven|eight|nine)[\s-]+(?:{_FRAC_DEN})\b""",
    "mult": rf"""\b(?:{_MULT})\b(?!-|\s+(?:blind|masked|dummy))
      | {_B}(?:{NUM}|{NUMWORD})[\s-]*(?:times|fold)\b""",
    "dozen": r"\b(?:(?:a|one|two|three|four|five|six)\s+)?dozen\b(?!s)",
    "dfrac": rf"{_B}\d{{1,6}}/\d{{1,6}}(?![\d/])",
    "digits": rf"""{_B}(?:{NUM}){_NAME_AFTER}(?:{_SCALE})?(?:{_PCT})?
        (?:\s*(?:-|–|—|to)\s*(?:{NUM})(?:{_SCALE})?(?:{_PCT})?(?!\d))?{_TIME}?""",
    "words": rf"\b{NUMWORD}\b(?:{_PCT})?{_TIME}?",
}


def _compile(names: list[str]) -> re.Pattern[str]:
    body = "\n|".join(f"(?P<{name}>{_ALTERNATIVES[name]})" for name in names)
    return re.compile(body, re.I | re.X)


PATTERN = _compile(list(_ALTERNATIVES))
PATTERN_NO_RATIO = _compile([n for n in _ALTERNATIVES if n != "ratio"])

_TRIGGERS = {
    *WORD_VALUES, *SCALE_VALUES, *DENOMINATORS, *MULTIPLIER_WORDS, "a", "an", "dozen",
}
_MONTH_SET = set(_MONTHS.split())
_CANDIDATE = re.compile(r"[A-Za-z]+|(?<![\w.,])\.?\d")


def starts(text: str) -> list[int]:
    """Where a number can start: digits and number-related words (cheap to find).

    Trying the full pattern only there is several times faster than ``finditer``, which
    tries every alternative at every character.
    """
    return [match.start() for match in _CANDIDATE.finditer(text)
            if (token := match.group())[-1].isdigit() or token.lower() in _TRIGGERS
            or token in _MONTH_SET]
