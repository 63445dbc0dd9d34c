"""Sentence splitting shared by the drafter and the checks.

syntok handles abbreviations, decimals and citations well and is several times faster than
pysbd, which matters when a batch drafts and checks thousands of abstracts.
"""

from __future__ import annotations

import re
from functools import lru_cache

import syntok.segmenter as segmenter
from pydantic import BaseModel


class Sentence(BaseModel):
    text: str
    start: int
    end: int


@lru_cache(maxsize=512)
def _split(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = list(sentence)
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            spans.append((start, end))
    return tuple(spans)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their character spans in ``text``."""
    return [Sentence(text=text[s:e], start=s, end=e) for s, e in _split(text)]


_END = re.compile(r"[.!?]+[\"'’”)\]]*\s+(?=[\"'‘“(\[]?[A-Z0-9])")
_NOT_AN_END = re.compile(r"(?:\b(?:e\.g|i\.e|vs|al|Dr|Fig|approx|etc|No|St)|\b[A-Z])\.$")


@lru_cache(maxsize=512)
def count_sentences(text: str) -> int:
    """Sentences in plain prose, for reading-level formulas.

    Much cheaper than a full segmenter: ends are a stop followed by space and a capital or
    digit, except after common abbreviations and initials. Good enough for lay summaries,
    which readability scores on every draft and every edit.
    """
    text = text.strip()
    if not text:
        return 0
    ends = sum(1 for m in _END.finditer(text) if not _NOT_AN_END.search(text[:m.start() + 1]))
    return ends + 1
