"""Reading level of a draft: school grade per section and overall, against a target grade.

``readability(text)`` is shared with the layers that display a draft. Syllables come from
pyphen's hyphenation dictionary (the fallback textstat uses) checked against a vowel-group
count. textstat itself is not used: its syllable counter looks words up in NLTK's CMU
dictionary, downloaded on first use (which fails offline and in tests), and importing it loads
NLTK and numpy, about half a second of every command that drafts. The three formulas are
one line each over counts this module makes anyway: Flesch-Kincaid and SMOG from syllables,
Coleman-Liau from letters.

Codes:

- ``readability.grade``: the reading grade of the whole summary (info, always reported);
- ``readability.above_target``: a section reads above the target grade.

A grade formula measures averages, and a section of one short sentence has none to speak of:
one long word moves it by several grades. So a section under ``SHORT_SECTION_WORDS`` words
warns only when it reads ``SHORT_SECTION_MARGIN`` grades above the target. On the hand labels
(bench/labels/readability.jsonl) this keeps 60 of the 61 sections readers found hard and drops
11 of the 22 false alarms (docs/quality.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import pyphen
from pydantic import BaseModel, Field

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.normalise import for_reading
from ..text.sentences import count_sentences

NAME = "readability"
LONG_WORD_LETTERS = 7
SHORT_SECTION_WORDS = 20
SHORT_SECTION_MARGIN = 3.0

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*%?")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_HYPHENATOR = pyphen.Pyphen(lang="en_US")


class ReadingLevel(BaseModel):
    """How hard a text is to read; ``grade`` is the Flesch-Kincaid US school grade."""

    grade: float = Field(description="Flesch-Kincaid grade level.")
    smog: float = Field(description="SMOG grade (words of three or more syllables).")
    coleman_liau: float = Field(description="Coleman-Liau index (letters per word).")
    words: int
    sentences: int
    words_per_sentence: float
    long_word_share: float = Field(description=f"Share of words of {LONG_WORD_LETTERS}+ letters.")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one word: the larger of pyphen's count and a vowel-group count."""
    word = word.lower().strip("'’-")
    if not word or not word[0].isalpha():
        return 1
    groups = len(_VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    hyphenated = sum(len(_HYPHENATOR.positions(part)) + 1 for part in word.split("-") if part)
    return max(1, groups, hyphenated)


def _letters(word: str) -> int:
    """Letters in a ``_WORD`` token: a number has none, a word all but its ' ’ and -."""
    if not word[0].isalpha():
        return 0
    return len(word) - word.count("'") - word.count("’") - word.count("-")


@lru_cache(maxsize=512)
def readability(text: str) -> ReadingLevel:
    """Reading level of ``text`` (cached: drafts are displayed and checked repeatedly)."""
    text = for_reading(text)  # "self\u2010rated" is one word, as "self-rated" is
    words = _WORD.findall(text)
    n_words = len(words)
    n_sentences = max(1, count_sentences(text)) if text.strip() else 0
    if not n_words:
        return ReadingLevel(grade=0, smog=0, coleman_liau=0, words=0, sentences=n_sentences,
                            words_per_sentence=0, long_word_share=0)
    counts = [syllables(w) for w in words]
    per_sentence = n_words / n_sentences
    fk = 0.39 * per_sentence + 11.8 * sum(counts) / n_words - 15.59
    poly = sum(1 for c in counts if c >= 3)
    smog = 1.043 * (poly * 30 / n_sentences) ** 0.5 + 3.1291
    letters = [_letters(w) for w in words]
    long_words = sum(1 for n in letters if n >= LONG_WORD_LETTERS)
    # Coleman & Liau (1975): letters and sentences per 100 words.
    coleman_liau = (0.0588 * 100 * sum(letters) / n_words
                    - 0.296 * 100 * n_sentences / n_words - 15.8)
    return ReadingLevel(
        grade=round(fk, 1),
        smog=round(smog, 1),
        coleman_liau=round(coleman_liau, 1),
        words=n_words,
        sentences=n_sentences,
        words_per_sentence=round(per_sentence, 1),
        long_word_share=round(long_words / n_words, 3),
    )


def _describe(level: ReadingLevel) -> str:
    return (f"grade {level.grade:.1f} (SMOG {level.smog:.1f}, Coleman-Liau "
            f"{level.coleman_liau:.1f}); {level.words_per_sentence:.0f} words a sentence, "
            f"{level.long_word_share:.0%} long words")


def make_readability_check(
    target_grade: float = 8,
) -> Callable[[Abstract, LaySummary], list[Finding]]:
    """The readability check for a target grade (config ``target_grade``)."""

    def check_readability(abstract: Abstract, summary: LaySummary) -> list[Finding]:
        sections = summary.sections()
        overall = readability(" ".join(t.strip() for t in sections.values() if t.strip()))
        findings = [Finding(
            check=NAME, code="readability.grade", severity=Severity.info,
            message=f"Reading level {_describe(overall)}; target grade {target_grade:g}.",
        )]
        for name, text in sections.items():
            level = readability(text)
            if level.words and level.grade > _threshold(level, target_grade):
                findings.append(Finding(
                    check=NAME, code="readability.above_target", severity=Severity.warning,
                    section=name, start=0, end=len(text),
                    message=f"Reads at {_describe(level)}; above target grade {target_grade:g}.",
                    suggestion=_advise(level),
                ))
        return findings

    return check_readability


def _threshold(level: ReadingLevel, target_grade: float) -> float:
    """The grade above which a section warns: the target, or more for a short section."""
    if level.words < SHORT_SECTION_WORDS:
        return target_grade + SHORT_SECTION_MARGIN
    return target_grade


def _advise(level: ReadingLevel) -> str:
    if level.words_per_sentence > 18:
        return "Split long sentences (aim for 15 words or fewer) and use shorter words."
    return "Swap long words for everyday ones (e.g. 'use' for 'utilise', 'help' for 'assist')."


check_readability = make_readability_check()
