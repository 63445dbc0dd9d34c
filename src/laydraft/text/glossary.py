"""The team's glossary, and which words in a text a lay reader may not know.

A word is a candidate term when the team's list (``laydraft/text/jargon.json``) names it, or
when it is rare in everyday English (wordfreq Zipf frequency below ``RARE_ZIPF``; wordfreq
ships its word lists in the wheel, so this works offline). An abbreviation is any all-capitals
token ("PML", "EDSS") not in the list of common ones. A term counts as explained when an
explanation sits next to it: a bracket after it ("PML (a rare brain infection)"), a bracket
around it ("a brain scan (MRI)"), "X, a ...", "X, which ...", "X - meaning ...", "X means ...",
or "called X" / "known as X" before it.

The jargon check flags unexplained terms and the offline drafter explains them, from this one
list, so a term the drafter explains is one the check will not flag.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from wordfreq import zipf_frequency

from .normalise import fold, for_reading

RARE_ZIPF = 3.0
MIN_RARE_LENGTH = 6

_TOKEN = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]|[A-Z]")
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]*[A-Z0-9](?:s)?$")
_EXPLAINED_AFTER = re.compile(
    r"^(?:\s*\(|,\s+(?:a|an|the|which|that|or|meaning|also called|known as)\b|\s+[—–-]\s+"
    r"|\s+(?:means|is an?|are|refers to|is when|which means)\b|\s+or\s+['\"‘“])",
    re.I,
)
_EXPLAINED_BEFORE = re.compile(r"(?:\bcalled|\bknown as|\btermed|\bnamed|\()\s*['\"‘“]?$", re.I)


class Term(NamedTuple):
    """A possibly unfamiliar term at ``text[start:end]``, with the curated explanation."""

    start: int
    end: int
    term: str
    plain: str | None


class Glossary:
    """The team's curated terms and abbreviations with their plain explanations."""

    def __init__(self, data: dict[str, object]) -> None:
        terms = data.get("terms", {})
        abbreviations = data.get("abbreviations", {})
        common = data.get("common", [])
        assert isinstance(terms, dict) and isinstance(abbreviations, dict)
        assert isinstance(common, list)
        self.terms: dict[str, str] = {k.lower(): v for k, v in terms.items()}
        self.abbreviations: dict[str, str] = dict(abbreviations)
        self.common = set(common)
        phrases = sorted((t for t in self.terms if " " in t), key=len, reverse=True)
        self.phrase_pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I
        ) if phrases else None

    def lookup(self, word: str) -> tuple[bool, str | None]:
        """(is a candidate term, curated explanation) for one token of a text."""
        if _ABBREVIATION.match(word) and len(word) > 1:
            return word not in self.common, self.abbreviations.get(word)
        low = word.lower()
        if low in self.terms:
            return True, self.terms[low]
        return not word[0].isupper() and is_rare(low), None


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The team's list, read once from ``jargon.json`` shipped with this package."""
    text = files("laydraft.text").joinpath("jargon.json").read_text(encoding="utf-8")
    return Glossary(json.loads(text))


@lru_cache(maxsize=65536)
def is_rare(word: str) -> bool:
    """Rare in everyday English (cached: the same words recur across drafts)."""
    return len(word) >= MIN_RARE_LENGTH and zipf_frequency(word, "en") < RARE_ZIPF


def explained(text: str, start: int, end: int) -> bool:
    """An explanation sits right after or right before the term at text[start:end]."""
    if _EXPLAINED_AFTER.match(fold(text[end:end + 40])):
        return True
    if _EXPLAINED_BEFORE.search(fold(text[max(0, start - 20):start])):
        return True
    return text[end:end + 1] == ")" and "(" in text[max(0, start - 3):start]


def candidate_terms(text: str, terms: Glossary | None = None) -> list[Term]:
    """Every possibly unfamiliar term in ``text``, in order; curated phrases first claim
    their words ("multiple sclerosis" is one term, not two)."""
    terms = terms or glossary()
    readable = for_reading(text)
    phrases = _phrases(text, readable, terms)
    return sorted(phrases + _words(text, readable, terms, [(t.start, t.end) for t in phrases]))


def _phrases(text: str, readable: str, terms: Glossary) -> list[Term]:
    if not terms.phrase_pattern:
        return []
    return [Term(m.start(), m.end(), text[m.start():m.end()], terms.terms[m.group().lower()])
            for m in terms.phrase_pattern.finditer(readable)]


def _words(
    text: str, readable: str, terms: Glossary, taken: list[tuple[int, int]]
) -> list[Term]:
    found = []
    for match in _TOKEN.finditer(readable):
        if any(s <= match.start() < e for s, e in taken):
            continue
        candidate, plain = terms.lookup(match.group())
        if candidate:
            found.append(Term(match.start(), match.end(), text[match.start():match.end()], plain))
    return found
