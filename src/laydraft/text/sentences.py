"""Where sentences end: the one rule, shared by the drafter, the checks, tracing and ingest.

A sentence ends at a run of stops (``.``, ``!``, ``?``) and any closing quotes or brackets,
followed by white space and a capital or a digit (after an optional opening quote or bracket),
unless the stop closes a common abbreviation ("e.g.", "vs.", "et al.", "Fig.") or an initial
("J. Smith"). A blank line always ends one, and so does the end of the text. Decimals
("0.41"), p values ("p<0.05).") and lower-case continuations ("approx. three") do not.

``clause_spans`` cuts sentences again after semicolons, for tracing's derived figures.

A plain rule rather than a statistical segmenter: it is several times faster (readability
counts sentences on every draft and every edit), it never splits at semicolons inside a
citation list, and ``split_sentences`` and ``count_sentences`` cannot disagree.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel

from .normalise import for_reading

_END = re.compile(r"[.!?]+[\"'’”)\]]*\s+(?=[\"'‘“(\[]?[A-Z0-9])|\n[^\S\n]*\n\s*")
_NOT_AN_END = re.compile(r"(?:\b(?:e\.g|i\.e|vs|al|Dr|Fig|approx|etc|No|St)|\b[A-Z])\.$")
_TERMINAL = re.compile(r"[A-Za-z0-9)\]%µ][.!?]+[\"'’”)\]]*$")
_LOOK_BACK = 12  # longer than any abbreviation above
_CLAUSE_END = re.compile(r";\s+")


class Sentence(BaseModel):
    text: str
    start: int
    end: int


def _is_end(text: str, match: re.Match[str]) -> bool:
    """A stop that closes an abbreviation or an initial is not a sentence end."""
    stop = match.start() + 1
    return not _NOT_AN_END.search(text, max(0, stop - _LOOK_BACK), stop)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the white space around it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=512)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence in ``text``, white space excluded (cached: a draft is
    split, counted and checked several times)."""
    return _spans(text)


def _spans(text: str) -> tuple[tuple[int, int], ...]:
    readable = for_reading(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(readable):
        if _is_end(readable, match):
            spans.append(_trimmed(readable, start, match.start() + len(match.group().rstrip())))
            start = match.end()
    spans.append(_trimmed(readable, start, len(readable)))
    return tuple((s, e) for s, e in spans if e > s)


def clause_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each clause: the sentences cut again after semicolons.

    Statistics lists ("RR 3.18 (95% CI 1.17 to 8.68); 710 participants; 3 trials") join
    unrelated figures with semicolons; tracing derives figures only within a clause.
    """
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        for match in _CLAUSE_END.finditer(text, start, end):
            spans.append((start, match.start() + 1))
            start = match.end()
        spans.append((start, end))
    return tuple(spans)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their character spans in ``text``."""
    return [Sentence(text=text[s:e], start=s, end=e) for s, e in sentence_spans(text)]


def count_sentences(text: str) -> int:
    """How many sentences ``text`` has (0 when it is blank), for reading-level formulas."""
    return len(sentence_spans(text))


def ends_a_sentence(text: str) -> bool:
    """``text`` holds at least one finished sentence: a word followed by a stop.

    How ingest tells prose from a list of keywords or a title; not cached, so streaming
    thousands of records keeps no copy of them.
    """
    return any(_TERMINAL.search(text, s, e) for s, e in _spans(text))
