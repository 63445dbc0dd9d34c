"""A summary in another language than the configured one, or mixing languages.

Codes:

- ``language.other`` (error): most of the summary is in another language than the configured
  ``language`` setting; the finding spans the foreign sentences of each section;
- ``language.mixed`` (warning): a sentence, or a run of sentences, is in another language
  than the rest of the summary, which is in the configured one.

Each sentence is judged on its own, because a model that slips into another language usually
does so for a sentence or two. The language is named by lingua (a maintained detector built
for short texts), restricted to the configured language and a few likely others, in its
low-accuracy mode (trigram models only: a few milliseconds and ~50 MB, against ~25 ms and
~250 MB for the full models). A statistical detector alone misreads English sentences made
mostly of drug names, Latin terms or gene names ("oral fluconazole and vaginal fenticonazole"
reads as Spanish), so a sentence counts as foreign only when its small, everyday words agree:
more of them are among the most frequent words of the detected language than of the configured
one (wordfreq's lists, shipped as ``language_words.json``: wordfreq itself would hold ~30 MB
per language). Names do not vote that way; the words that hold a sentence together do.
Text in brackets or quotation marks (a trial's foreign name, a glossary), addresses, and
words in capitals (abbreviations: "IL-6" is not the Italian "il") are left out first, and
sentences with fewer than four words are not judged. Sentences mostly in another script than
the configured language's (Cyrillic, Chinese, ...) are foreign whatever their words; the
shared sentence splitter, written for English, is helped to cut before them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.normalise import fold
from ..text.sentences import sentence_spans

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

NAME = "language"
DEFAULT_LANGUAGE = "en"
# Languages a summary is likely to slip into besides the configured one: the languages
# Cochrane translates its summaries into most, and the main other scripts.
LIKELY = ("en", "es", "fr", "de", "pt", "it", "nl", "pl", "ru", "zh", "ja", "ko")
MIN_WORDS = 4  # shorter sentences say too little about their language
TOP_WORDS = 300  # a language's everyday words: its most frequent ones

# Addresses, brackets and quotations: names and glossaries, not the sentence's own language.
_ASIDES = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+"
                     r"|\([^()]*\)|\[[^\[\]]*\]|\"[^\"]*\"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|‘[^’]*’")
# A stop before a letter outside A-Z, and a Chinese or Japanese full stop (see ``_spans``).
_OTHER_SCRIPT_END = re.compile(r"(?<=[.!?])[\"'’”)\]]*\s+(?=[^\W\d_A-Za-z])"
                               r"|(?<=[。！？])\s*")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def supported(code: str) -> bool:
    """True when ``code`` (ISO 639-1, e.g. "en") is a language the detector knows."""
    from lingua import IsoCode639_1

    try:
        IsoCode639_1.from_str(code)
    except ValueError:
        return False
    return True


def _language(code: str) -> Language:
    from lingua import IsoCode639_1, Language

    return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))


@cache
def _detector(code: str) -> LanguageDetector:
    """The detector for summaries meant to be in ``code``, built once per process."""
    from lingua import LanguageDetectorBuilder

    languages = {_language(c) for c in (code, *LIKELY)}
    return (LanguageDetectorBuilder.from_languages(*languages)
            .with_low_accuracy_mode().build())


@cache
def _word_lists() -> dict[str, list[str]]:
    """The shipped lists (``language_words.json``): wordfreq's top words for ``LIKELY``."""
    text = files("laydraft.checks").joinpath("language_words.json").read_text(encoding="utf-8")
    words: dict[str, list[str]] = json.loads(text)["words"]
    return words


@cache
def _everyday_words(code: str) -> frozenset[str]:
    """The language's most frequent words (empty when wordfreq has no list for it)."""
    if code in _word_lists():
        return frozenset(_word_lists()[code][:TOP_WORDS])
    from wordfreq import available_languages, top_n_list  # ~30 MB for one more language

    if code not in available_languages():
        return frozenset()
    return frozenset(top_n_list(code, TOP_WORDS))


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The script a character is written in (``LATIN``...); memoised: called for every letter."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


@cache
def _scripts(code: str) -> frozenset[str]:
    """The scripts the language is written in, read off its everyday words."""
    scripts = {_script(c) for word in _everyday_words(code) for c in word if c.isalpha()}
    return frozenset(scripts or {"LATIN"})


@dataclass(frozen=True)
class Judged:
    """One sentence of a section and the language it was read as (None: too short)."""

    start: int
    end: int
    words: int
    foreign: str | None  # ISO 639-1 code of the foreign language, or None


def _name(code: str) -> str:
    return _language(code).name.title()


def judge_sentence(text: str, code: str = DEFAULT_LANGUAGE) -> tuple[int, str | None]:
    """(words judged, ISO code of the foreign language or None) for one sentence."""
    own = re.sub(r"\s+", " ", _ASIDES.sub(" ", fold(text)))
    home_scripts = _scripts(code)
    if own.isascii() and "LATIN" in home_scripts:  # every letter is a-z: no script to count
        if not any(c.isalpha() for c in own):
            return 0, None
        other_script = False
    else:
        letters = [c for c in own if c.isalpha()]
        if not letters:
            return 0, None
        other_script = sum(_script(c) in home_scripts for c in letters) * 2 < len(letters)
    # Words in capitals are abbreviations ("IL-6" is not the Italian "il").
    words = [w.lower() for w in _WORD.findall(own) if len(w) < 2 or not w.isupper()]
    if other_script:
        detected = _detector(code).detect_language_of(own)
        foreign = detected.iso_code_639_1.name.lower() if detected is not None else "xx"
        return max(len(words), 1), (foreign if foreign != code else "xx")
    if len(words) < MIN_WORDS:
        return 0, None
    if not _could_be_foreign(words, code):
        return len(words), None
    detected = _detector(code).detect_language_of(own)
    if detected is None:
        return len(words), None
    other = detected.iso_code_639_1.name.lower()
    if other == code:
        return len(words), None
    home, theirs = _everyday_words(code), _everyday_words(other)
    if home and theirs:
        for_home = sum(w in home and w not in theirs for w in words)
        for_them = sum(w in theirs and w not in home for w in words)
        return len(words), (other if _agrees(for_them, for_home) else None)
    confidence = _detector(code).compute_language_confidence(own, detected)
    return len(words), (other if confidence >= 0.9 else None)


def _agrees(for_them: int, for_home: int) -> bool:
    """Two foreign everyday words outvoting the home ones, or one and none of the home's."""
    return for_them > for_home and (for_them >= 2 or for_home == 0)


@cache
def _everyday_index(code: str) -> dict[str, frozenset[str]] | None:
    """Each everyday word of the languages the detector may name (``code`` and ``LIKELY``):
    the languages whose list holds it. None when one of them has no list, as the detector's
    confidence then decides and only running it can tell."""
    languages = dict.fromkeys((code, *LIKELY))
    index: dict[str, set[str]] = {}
    for language in languages:
        words = _everyday_words(language)
        if not words:
            return None
        for word in words:
            index.setdefault(word, set()).add(language)
    return {word: frozenset(found) for word, found in index.items()}


def _could_be_foreign(words: list[str], code: str) -> bool:
    """False when no language the detector may name would win the everyday-word vote, so the
    sentence is judged home whatever the detector says: the detector (most of the check's
    time) is asked only about sentences that could come out foreign."""
    index = _everyday_index(code)
    if index is None:
        return True
    home = 0  # everyday words of the home language
    shared: dict[str, int] = {}  # ... that are everyday words of another language too
    theirs: dict[str, int] = {}  # everyday words of another language, not of the home one
    for word in words:
        languages = index.get(word)
        if languages is None:
            continue
        counts = shared if code in languages else theirs
        home += code in languages
        for language in languages:
            if language != code:
                counts[language] = counts.get(language, 0) + 1
    return any(_agrees(for_them, home - shared.get(other, 0))
               for other, for_them in theirs.items())


def _spans(text: str) -> Iterator[tuple[int, int]]:
    """Sentences, also cut where a stop is followed by a letter outside A-Z (a Cyrillic or
    Greek capital, a Chinese character) and after a Chinese or Japanese full stop, which the
    shared splitter (written for English) does not do."""
    for start, end in sentence_spans(text):
        cut = start
        for match in _OTHER_SCRIPT_END.finditer(text, start, end):
            if text[match.end():match.end() + 1].islower():
                continue  # "approx. über": not a new sentence
            if text[cut:match.start()].strip():
                yield cut, match.start()
            cut = match.end()
        if text[cut:end].strip():
            yield cut, end


def _judged(text: str, code: str) -> Iterator[Judged]:
    for start, end in _spans(text):
        words, foreign = judge_sentence(text[start:end], code)
        yield Judged(start, end, words, foreign)


def _runs(judged: list[Judged]) -> Iterator[list[Judged]]:
    """Consecutive foreign sentences (unjudged short ones between them join the run)."""
    run: list[Judged] = []
    for sentence in judged:
        if sentence.foreign is not None:
            run.append(sentence)
        elif run and sentence.words and sentence.foreign is None:
            yield run
            run = []
    if run:
        yield run


def _languages(run: list[Judged]) -> str:
    names = sorted({_name(s.foreign) if s.foreign != "xx" else "another language"
                    for s in run if s.foreign is not None})
    return " and ".join(names)


def make_language_check(code: str = DEFAULT_LANGUAGE) -> Callable[[Abstract, LaySummary],
                                                                   list[Finding]]:
    """The language check for summaries meant to be in ``code`` (ISO 639-1)."""
    if not supported(code):
        raise ValueError(f"unknown language code {code!r}")
    expected = _name(code)

    def check_language(abstract: Abstract, summary: LaySummary) -> list[Finding]:
        sections = {name: list(_judged(fold(text), code))
                    for name, text in summary.sections().items()}
        judged = [s for found in sections.values() for s in found if s.words]
        foreign_words = sum(s.words for s in judged if s.foreign is not None)
        if not foreign_words:
            return []
        mostly_foreign = foreign_words * 2 > sum(s.words for s in judged)
        findings = []
        for section, found in sections.items():
            for run in _runs(found):
                languages = _languages(run)
                if mostly_foreign:
                    findings.append(Finding(
                        check=NAME, code="language.other", severity=Severity.error,
                        section=section, start=run[0].start, end=run[-1].end,
                        message=f"the summary is written in {languages}, not in {expected}",
                        suggestion=f"write the summary in {expected} (the configured language)"))
                else:
                    findings.append(Finding(
                        check=NAME, code="language.mixed", severity=Severity.warning,
                        section=section, start=run[0].start, end=run[-1].end,
                        message=f"this is in {languages}; the rest of the summary is in "
                                f"{expected}",
                        suggestion=f"say it in {expected}, or remove it"))
        return findings

    return check_language


check_language = make_language_check()
