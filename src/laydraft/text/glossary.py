"""The team's glossary, and which words in a text a lay reader may not know.

A word is a candidate term when the team's list (``laydraft/text/jargon.json``) names it, or
when it is rare in everyday English (wordfreq Zipf frequency below ``RARE_ZIPF``; wordfreq
ships its word lists in the wheel, so this works offline). An abbreviation is any all-capitals
token ("PML", "EDSS") not in the list of common ones. A term counts as explained when an
explanation sits next to it: a bracket after it ("PML (a rare brain infection)"), a bracket
around it ("a brain scan (MRI)"), "X, a ...", "X, which ...", "X - meaning ...", "X means ...",
or "called X" / "known as X" before it (``explained``, which the offline drafter uses; the check
also looks further, see ``laydraft.text.explanations``).

A rare word is rare in every form a reader would see through: its American spelling, its
singular or uninflected stem, or a common word behind a plain prefix ("imprecise") make it
common (``laydraft.text.word_forms``). Words in capitals that are ordinary words ("RESULT"),
Roman numerals and the team's everyday words (``everyday_words.txt``: health and research words
lay readers know, such as "fatigue", "inhaler", "HIV") are never flagged by the check; the
drafter still explains a curated term it knows, which does no harm.

The jargon check flags unexplained terms and the offline drafter explains them, from this one
list, so a term the drafter explains is one the check will not flag.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from .frequency import common_zipf
from .normalise import fold, for_reading
from .sentences import sentence_spans
from .word_forms import term_key, variants, without_prefix

RARE_ZIPF = 3.0
MIN_RARE_LENGTH = 6

COMMON_ZIPF = 3.5  # a word behind a prefix, or a word in capitals, this common is plain
LOOKUPS_KEPT = 50_000  # tokens remembered by ``Glossary.lookup`` (a few MB), then forgotten

# Letters (any script) joined by hyphens; an abbreviation keeps a digit tail ("PCSK9", "IL-17").
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:-?[0-9]+[A-Z0-9]*)?")
_DIGIT_TAIL = re.compile(r"-?[0-9]+[A-Z0-9]*$")
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]*[A-Z0-9](?:s)?(?:-[0-9]+[A-Z0-9]*)?$")
_ROMAN = frozenset({"II", "III", "VI", "VII", "VIII", "IX", "XI", "XII"})
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
    """The team's curated terms and abbreviations with their plain explanations, and the
    everyday words that are never jargon."""

    def __init__(self, data: dict[str, object], everyday: Iterable[str] = ()) -> None:
        terms = data.get("terms", {})
        abbreviations = data.get("abbreviations", {})
        common = data.get("common", [])
        assert isinstance(terms, dict) and isinstance(abbreviations, dict)
        assert isinstance(common, list)
        self.terms: dict[str, str] = {k.lower(): v for k, v in terms.items()}
        self.abbreviations: dict[str, str] = dict(abbreviations)
        self.common = set(common)
        self._looked_up: dict[tuple[str, bool], tuple[bool, str | None]] = {}
        phrases = sorted((t for t in self.terms if " " in t), key=len, reverse=True)
        self.phrase_pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I
        ) if phrases else None
        entries = [e.strip() for e in everyday if e.strip()]
        self.everyday_abbreviations = {e for e in entries if _ABBREVIATION.match(e)}
        self.everyday_words = {v for e in entries if " " not in e and e not in
                               self.everyday_abbreviations for v in variants(e)}
        everyday_phrases = sorted((e for e in entries if " " in e), key=len, reverse=True)
        self.everyday_phrases = re.compile(
            r"\b(?:" + "|".join(re.escape(p) for p in everyday_phrases) + r")\b", re.I
        ) if everyday_phrases else None

    def lookup(self, word: str, sentence_start: bool = False) -> tuple[bool, str | None]:
        """(is a candidate term, curated explanation) for one token of a text.

        ``sentence_start``: the token opens a sentence, so a capital says nothing about
        whether it is a name ("Clofazimine was ..."). Remembered per token: a pure function
        of the lists, asked for every word of every text the jargon check and the offline
        drafter read, and most words recur."""
        key = (word, sentence_start)
        known = self._looked_up.get(key)
        if known is None:
            if len(self._looked_up) >= LOOKUPS_KEPT:
                self._looked_up.clear()
            known = self._looked_up[key] = self._lookup(word, sentence_start)
        return known

    def _lookup(self, word: str, sentence_start: bool) -> tuple[bool, str | None]:
        if _ABBREVIATION.match(word) and len(word) > 1:
            head = _DIGIT_TAIL.sub("", word)
            if head in self.common or word in self.common or head in _ROMAN or (
                    len(head) >= 4 and head.isupper()
                    and common_zipf(head.lower()) >= COMMON_ZIPF):
                return False, None
            return True, self.abbreviations.get(word, self.abbreviations.get(head))
        low = word.lower()
        if low in self.terms:
            return True, self.terms[low]
        if variants(low) & self.terms.keys():  # "haemorrhages": a form of a curated term
            return True, None  # no curated wording for this form: the drafter leaves it
        return (sentence_start or not word[0].isupper()) and is_rare(low), None

    def is_everyday(self, term: str) -> bool:
        """One of the team's everyday words (any form of it): not jargon for lay readers."""
        if _ABBREVIATION.match(term):
            return term in self.everyday_abbreviations or term_key(term) in \
                self.everyday_abbreviations
        return bool(variants(term) & self.everyday_words)

    def everyday_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the everyday phrases ("shortness of breath") are in ``text``."""
        if not self.everyday_phrases:
            return []
        return [m.span() for m in self.everyday_phrases.finditer(text)]


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The team's lists, read once from ``jargon.json`` and ``everyday_words.txt``."""
    package = files("laydraft.text")
    text = package.joinpath("jargon.json").read_text(encoding="utf-8")
    everyday = package.joinpath("everyday_words.txt").read_text(encoding="utf-8")
    lines = [line for line in everyday.splitlines() if not line.lstrip().startswith("#")]
    return Glossary(json.loads(text), lines)


def _common_form(word: str) -> bool:
    return any(common_zipf(form) >= RARE_ZIPF for form in variants(word)) or any(
        common_zipf(rest) >= COMMON_ZIPF for rest in without_prefix(word))


@lru_cache(maxsize=65536)
def is_rare(word: str) -> bool:
    """Rare in everyday English in every form a reader would see through (cached: the same
    words recur across drafts). A hyphenated word is rare when some part of it is."""
    if len(word.replace("-", "")) < MIN_RARE_LENGTH or _common_form(word):
        return False
    parts = word.split("-")
    return len(parts) == 1 or any(len(p) >= MIN_RARE_LENGTH and not _common_form(p)
                                  for p in parts)


def rare_parts(word: str) -> list[str]:
    """The parts of a hyphenated word that make it rare ("non-carbapenem" -> ["carbapenem"])."""
    parts = word.split("-")
    rare = [p for p in parts if len(p) >= MIN_RARE_LENGTH and not _common_form(p)]
    return rare if len(parts) > 1 and rare else [word]


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
    starts = {start for start, _ in sentence_spans(readable)}
    found = []
    for match in _TOKEN.finditer(readable):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue
        if not _ABBREVIATION.match(match.group()):
            end = start + len(_DIGIT_TAIL.sub("", match.group()))  # "Every-4" reads "Every"
        candidate, plain = terms.lookup(readable[start:end], start in starts)
        if candidate:
            found.append(Term(start, end, text[start:end], plain))
    return found
