"""Technical words and abbreviations a lay reader meets without a plain explanation.

Candidate terms (the team's glossary, rare words, abbreviations) and what counts as an
explanation are defined in ``laydraft.text.glossary``. Each term is flagged once, at its first
use, unless an explanation sits next to it or it is inside a bracketed explanation.
"""

from __future__ import annotations

import re

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.glossary import candidate_terms, explained, glossary

NAME = "jargon"

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
