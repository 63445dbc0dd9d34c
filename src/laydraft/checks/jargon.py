"""Technical words and abbreviations a lay reader meets without a plain explanation.

A word is jargon when the team's list (``laydraft/data/jargon.json``) names it, or when it is
rare in everyday English (wordfreq Zipf frequency below ``RARE_ZIPF``; wordfreq ships its
word lists in the wheel, so this works offline). An abbreviation is any all-capitals token
("PML", "EDSS") not in the list of common ones. Each term is flagged once, at its first use,
unless an explanation sits next to it: a bracket after it ("PML (a rare brain infection)"),
a bracket around it ("a brain scan (MRI)"), "X, a ...", "X, which ...", "X - meaning ...",
"X means ...", or "called X" / "known as X" before it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files

from wordfreq import zipf_frequency

from ..models import Abstract, Finding, LaySummary, Severity

NAME = "jargon"
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


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    text = files("laydraft.data").joinpath("jargon.json").read_text(encoding="utf-8")
    return Glossary(json.loads(text))


@lru_cache(maxsize=65536)
def is_rare(word: str) -> bool:
    """Rare in everyday English (cached: the same words recur across drafts)."""
    return len(word) >= MIN_RARE_LENGTH and zipf_frequency(word, "en") < RARE_ZIPF


def explained(text: str, start: int, end: int) -> bool:
    """An explanation sits right after or right before the term at text[start:end]."""
    if _EXPLAINED_AFTER.match(text[end:end + 40]):
        return True
    if _EXPLAINED_BEFORE.search(text[max(0, start - 20):start]):
        return True
    return text[end:end + 1] == ")" and "(" in text[max(0, start - 3):start]


def candidate_terms(text: str, terms: Glossary) -> list[tuple[int, int, str, str | None]]:
    """(start, end, term, curated explanation) for every possibly unfamiliar term."""
    found: list[tuple[int, int, str, str | None]] = []
    taken: list[tuple[int, int]] = []
    if terms.phrase_pattern:
        for match in terms.phrase_pattern.finditer(text):
            found.append((match.start(), match.end(), match.group(), terms.terms[match.group().lower()]))
            taken.append(match.span())
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue
        word = match.group()
        if _ABBREVIATION.match(word) and len(word) > 1:
            if word not in terms.common:
                found.append((start, end, word, terms.abbreviations.get(word)))
            continue
        low = word.lower()
        if low in terms.terms:
            found.append((start, end, word, terms.terms[low]))
        elif not word[0].isupper() and is_rare(low):
            found.append((start, end, word, None))
    return sorted(found)


_BRACKETED = re.compile(r"(?<=\w) \(([^()]+)\)")


def _explanations(text: str) -> list[tuple[int, int]]:
    """Spans of bracketed explanations right after a word: "fatigue (extreme tiredness)"."""
    return [match.span(1) for match in _BRACKETED.finditer(text)]


def check_jargon(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    terms = glossary()
    seen: set[str] = set()
    findings = []
    for section, text in summary.sections().items():
        brackets = _explanations(text)
        for start, end, term, plain in candidate_terms(text, terms):
            key = term.lower()
            if key in seen or any(s <= start < e for s, e in brackets):
                continue
            seen.add(key)
            if explained(text, start, end):
                continue
            suggestion = (f"Explain it: '{term} ({plain})', or use the plain words."
                          if plain else f"Explain '{term}' in plain words, or use an everyday word.")
            findings.append(Finding(
                check=NAME, severity=Severity.warning, section=section, start=start, end=end,
                message=f"'{term}' may be unfamiliar and is not explained.",
                suggestion=suggestion,
            ))
    return findings
