"""What the words around a number say about it.

The hedge before it ("about", "more than", "<"), what it counts or measures ("14 studies",
"300 mg"), a label it follows ("type 2", "day 28"), whether a percentage is told as a change
("25% fewer"), and whether it is a list marker ("1)") rather than a number at all.
"""

from __future__ import annotations

import re
from typing import Literal

Qualifier = Literal["approx", "more", "less"]

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
_OPENING_BRACKETS = "([{'\""
_HOURS_AND = re.compile(r"(?:\ban?|\bone|\btwo|\bthree|\d+)[\s-]+hours?\s+and\s+$", re.I)

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
_FOLLOWING_WORDS = re.compile(r"[\s-]*(?:[A-Za-zµ][\w'-]*\s*){1,4}")
_PHRASE_ENDS_TEXT = (
    "which whom who whose that them these those with in on at from for to and or but than as "
    "by were was are is be been had have has did do does only each versus vs"
)
_PHRASE_ENDS = frozenset(_PHRASE_ENDS_TEXT.split())

_CHANGE_STEMS = (
    "reduc", "increas", "decreas", "lower", "higher", "rais", "improv", "worsen", "differ",
    "declin", "drop", "fall", "fell", "rise", "rose", "less", "more", "fewer", "greater",
    "relative", "absolute",
)
_CLAUSE_BREAK = re.compile(r"[.;:]\s")
_ENUM_AFTER = re.compile(r"[.)]\s+[A-Z]")
_ENUM_BEFORE = re.compile(r"(?:^|[.:;!?]\s+|\n\s*|\()$")
_LABELS_TEXT = (
    "type grade stage phase class level step cycle visit wave tier category "
    "minute hour day week month year"
)
_LABELS = frozenset(_LABELS_TEXT.split())
FREQUENCY = re.compile(
    r"\s+(?:daily|weekly|monthly|yearly|annually|nightly|(?:a|per|each|every)\s+"
    r"(?:day|week|month|year|night)s?)\b",
    re.I,
)


def qualifier(text: str, start: int) -> Qualifier | None:
    """The hedge just before a number ("about", "more than", "<"), by string tests: a regex
    anchored at the end of the text before would be tried at every position of it."""
    before = _text_before(text, start)
    if not before:
        return None
    if before[-1] in _QUALIFIER_SIGNS:
        return _sign(before)
    last = before.rsplit(None, 1)[-1]
    word = _QUALIFIER_WORDS.get(last.lstrip(_OPENING_BRACKETS) if last[:1] in _OPENING_BRACKETS
                                else last)
    return word or _phrase(before, last)


def _text_before(text: str, start: int) -> str:
    """The lower-cased words before a number; "about one hour and 20 minutes": the hedge
    before "one hour" covers the 20 minutes too."""
    before = text[max(0, start - 22):start].rstrip().lower()
    if before.endswith(" and"):
        clause = _HOURS_AND.search(text, max(0, start - 40), start)
        before = text[max(0, start - 40):clause.start()].rstrip().lower() if clause else before
    return before


def _sign(before: str) -> Qualifier | None:
    """"<5" or "< 5" is hedged; "p<5"-like signs glued to a word are not."""
    if len(before) >= 2 and _is_word_char(before[-2]):
        return None
    return _QUALIFIER_SIGNS[before[-1]]


def _phrase(before: str, last: str) -> Qualifier | None:
    """A hedge of several words ending in ``last``: "more than", "at least", "up to"."""
    for phrase, kind in _QUALIFIER_PHRASES.get(last, ()):
        if before.endswith(phrase) and (
            len(before) == len(phrase) or not _is_word_char(before[-len(phrase) - 1])
        ):
            return kind
    return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def counted(text: str, end: int) -> str | None:
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
        found = _measure(word) or _counted_noun(word, words[i + 1:i + 2])
        if found:
            return found
    return None


def _measure(word: str) -> str | None:
    """A unit of measure, one name for singular and plural: "7-point", "2 more points"."""
    unit = MEASURE_UNITS.get(word) or MEASURE_UNITS.get(word.rstrip("s"))
    if not unit:
        return None
    return unit[:-1] if len(unit) > 3 and unit.endswith("s") else unit


def _counted_noun(word: str, following: list[str]) -> str | None:
    """The class of a counted noun; a study word before a person word counts people."""
    found = COUNTED_CLASSES.get(word)
    if found == "study" and following and COUNTED_CLASSES.get(following[0]):
        return COUNTED_CLASSES[following[0]]
    return found


def told_as_change(text: str, start: int, end: int) -> bool:
    """A change word ("reduced", "fewer", "relative"...) or "by" near the percentage, in
    the same clause: "reduced by 25%", "25% fewer", "a 25% relative reduction"."""
    before = _CLAUSE_BREAK.split(text[max(0, start - 32):start])[-1].lower().split()
    after = _CLAUSE_BREAK.split(text[end:end + 28], maxsplit=1)[0].lower().split()
    return any(w.lstrip("(").startswith(_CHANGE_STEMS) for w in before + after) or "by" in before


def enumerator(text: str, start: int, end: int) -> bool:
    """A list number, as in "1) ..." or "2. ..." at the start of a sentence or line."""
    return (end - start <= 2 and bool(_ENUM_AFTER.match(text, end))
            and bool(_ENUM_BEFORE.search(text, max(0, start - 4), start)))


def label(text: str, start: int) -> str | None:
    """The label a number follows, as in "type 2", "grade 3", "day 28", "week 12"."""
    if start < 4 or text[start - 1] != " " or not text[start - 2].isalpha():
        return None
    word = text[max(0, start - 10):start - 1].rsplit(None, 1)[-1].lower()
    return word if word in _LABELS else None
