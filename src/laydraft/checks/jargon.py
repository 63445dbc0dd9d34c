"""Technical words and abbreviations a lay reader meets without a plain explanation.

Candidate terms (the team's glossary, rare words, abbreviations) and the everyday words that
are never jargon are defined in ``laydraft.text.glossary``; what counts as an explanation in
``glossary.explained`` (next to the term) and ``laydraft.text.explanations`` (after a
multi-word term, later in the sentence, in the next sentence, or by naming its kind). Each
term is flagged once per summary, in whichever form (plural, spelling) it first appears, at
its first use, unless it is explained there. A term used inside a bracketed explanation is
not flagged there; an abbreviation in brackets after its full form ("coronary heart disease
(CHD)") is thereby defined, and later uses are fine.

Codes:

- ``jargon.unexplained``: a technical word or phrase is not explained where it is first used;
- ``jargon.abbreviation``: an abbreviation is not spelled out or explained where first used.
"""

from __future__ import annotations

import re

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.explanations import explained_nearby, explanatory_bracket
from ..text.glossary import Glossary, candidate_terms, explained, glossary, rare_parts
from ..text.normalise import fold
from ..text.word_forms import term_key

NAME = "jargon"
UNEXPLAINED = "jargon.unexplained"
ABBREVIATION = "jargon.abbreviation"

_BRACKET_AFTER = re.compile(r"\s*\(([^()]*)\)")
_BRACKETED = re.compile(r"(?<=\w) \(([^()]+)\)")
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]*[A-Z0-9]s?(?:-[0-9]+[A-Z0-9]*)?$")
_DIGIT_TAIL = re.compile(r"-?[0-9]+[A-Z0-9]*$")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _explanations(text: str) -> list[tuple[int, int]]:
    """Spans of bracketed explanations right after a word: "fatigue (extreme tiredness)"."""
    return [match.span(1) for match in _BRACKETED.finditer(text)]


def _keys(term: str) -> list[str]:
    """Keys shared by every form of the term; a hyphenated word is keyed by its rare parts
    ("non-carbapenem" after "carbapenem" is the same term)."""
    if _ABBREVIATION.match(term):  # "IL-17" and "IL-10" ask the reader to know "IL"
        return [term_key(_DIGIT_TAIL.sub("", term))]
    return [term_key(part) for part in rare_parts(term)]


def _defines(text: str, start: int, end: int) -> bool:
    """The term is a bracket of its own after other words: "full term (ABBR)" defines ABBR."""
    return text[start - 1:start] == "(" and text[end:end + 1] == ")"


def _is_explained(text: str, start: int, end: int, abbreviation: bool) -> bool:
    """Explained next to it (a bracket only when it reads as words, not "(n = 30)"), or
    anywhere nearby."""
    bracket = _BRACKET_AFTER.match(text, end)
    if bracket:
        if explanatory_bracket(bracket.group(1)):
            return True
    elif explained(text, start, end):
        return True
    return explained_nearby(text, start, end, kind_cues=not abbreviation)


def _finding(section: str, start: int, end: int, term: str, plain: str | None,
             abbreviation: bool) -> Finding:
    if abbreviation:
        message = f"The abbreviation '{term}' is not spelled out or explained."
        suggestion = (f"Spell it out or explain it: '{term} ({plain})'." if plain
                      else f"Write out what '{term}' stands for, in plain words.")
    else:
        message = f"'{term}' may be unfamiliar and is not explained."
        suggestion = (f"Explain it: '{term} ({plain})', or use the plain words."
                      if plain else f"Explain '{term}' in plain words, or use an everyday word.")
    return Finding(check=NAME, code=ABBREVIATION if abbreviation else UNEXPLAINED,
                   severity=Severity.warning, section=section, start=start, end=end,
                   message=message, suggestion=suggestion)


def _lower_case_words(abstract: Abstract, summary: LaySummary) -> set[str]:
    """Words written in lower case somewhere in the abstract or summary."""
    texts = [abstract.text, *summary.sections().values()]
    words = {w for text in texts for w in _WORD.findall(text)}
    return {part for w in words for part in (w, *w.split("-")) if part.islower()}


def _a_name(term: str, plain: str | None, lower_case: set[str]) -> bool:
    """A capitalised word (at a sentence start) never written in lower case is a name
    ("Afyonkarahisar"), not a term the check should explain."""
    return plain is None and term[:1].isupper() and term.lower() not in lower_case


def check_jargon(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    terms: Glossary = glossary()
    lower_case = _lower_case_words(abstract, summary)
    seen: set[str] = set()
    findings = []
    for section, original in summary.sections().items():
        text = fold(original)
        brackets = _explanations(text)
        everyday = terms.everyday_spans(text)
        for start, end, term, plain in candidate_terms(text, terms):
            keys = _keys(term)
            if any(k in seen for k in keys) or terms.is_everyday(term) or any(
                    s <= start < e for s, e in everyday):
                continue
            abbreviation = bool(_ABBREVIATION.match(term))
            if not abbreviation and _a_name(term, plain, lower_case):
                continue
            if any(s <= start < e for s, e in brackets):
                if abbreviation and _defines(text, start, end):
                    seen.update(keys)
                continue
            seen.update(keys)
            if _is_explained(text, start, end, abbreviation):
                continue
            findings.append(_finding(section, start, end, original[start:end], plain,
                                     abbreviation))
    return findings
