"""Seeded jargon: real technical terms from the abstract put into its summary unexplained.

Two families:

- ``jargon`` (the check must report it): a technical word from the abstract (rare: wordfreq
  Zipf below ``SEED_ZIPF``; technical: built with a medical prefix or suffix such as "-itis",
  "-ectomy", "-mab", "hyper-", so plain rare words like "prespecified" are not seeds; written
  in lower case there, not already in the summary), or an abbreviation the abstract defines,
  put into a sentence of our own at a sentence break of a human summary or an offline draft,
  without any explanation;
- ``jargon-defined`` (the check must stay silent): the abstract's own "full term (ABBR)" put
  into the summary, and a later sentence using ABBR alone; the seeded span is the later use.

The sentences around the term are this module's templates; the terms and the summaries are
the data's.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from bench.evalset import Seed, Text, human_texts, offline_texts
from wordfreq import zipf_frequency

from laydraft.models import LaySummary

SEED_ZIPF = 2.5
PER_FAMILY = 180

_WORD_TEMPLATES: tuple[str, ...] = (
    "The team also measured {t} in the people taking part.",
    "Changes in {t} were looked at as well.",
    "Some people in the study had {t}.",
    "The review also reports on {t}.",
    "Doctors checked for {t} during the study.",
    "Results for {t} were less clear.",
    "Nobody knows yet how much {t} matters here.",
    "We also found some reports of {t}.",
)
_ABBREVIATION_TEMPLATES: tuple[str, ...] = (
    "The studies also reported {t} for each group.",
    "Results for {t} did not differ much.",
    "Few studies looked at {t}.",
    "There was little change in {t}.",
)
_DEFINED_TEMPLATES = (
    ("This review looked at {full} ({abbr}).", "Studies of {abbr} were small."),
    ("Some people had {full} ({abbr}).", "The results for {abbr} were uncertain."),
    ("The trials measured {full} ({abbr}).", "Changes in {abbr} were small."),
)
_RARE_WORD = re.compile(r"(?<![\w-])[a-z]{8,}(?![\w-])")
_MEDICAL = re.compile(
    r"(?:itis|osis|oses|ectomy|otomy|ostomy|oscopy|plasty|emia|aemia|opathy|pathies|oma|omas"
    r"|algia|plasia|penia|uria|cytes?|genic|ergic|mab|nib|pril|olol|statin|cillin|mycin|azole"
    r"|vir|tide|sartan|dipine|prazole|oxacin|ase|ases|lysis|trophy|kinesia|phagia|pnoea|pnea"
    r"|rrhoea|rrhea|ocele|iasis)$"
    r"|^(?:hyper|hypo|neuro|cardio|gastro|hepat|nephr|derma|haem|hem|myel|oste|arthr|encephal"
    r"|pulmon|thromb|leuk|lymph|immuno|endo|peri|intra|trans)[a-z]{5,}")
_DEFINITION = re.compile(r"((?:[A-Za-z][a-z-]+ ){1,4}[a-z][a-z-]+) \(([A-Z]{2,6})\)")


def _sections(summary: LaySummary) -> list[str]:
    return [name for name, text in summary.sections().items() if text.strip()]


def _insert(summary: LaySummary, section: str, sentence: str, rng: random.Random,
            ) -> tuple[LaySummary, int]:
    """The summary with ``sentence`` put at a sentence break of ``section``; where it starts."""
    text = summary.sections()[section]
    breaks = [m.end() for m in re.finditer(r"[.!?] ", text)] + [len(text)]
    at = rng.choice(breaks)
    before = text[:at].rstrip()
    new = f"{before} {sentence}".lstrip() + (" " + text[at:].lstrip() if text[at:].strip() else "")
    start = len(f"{before} ".lstrip()) if before else 0
    return summary.model_copy(update={section: new}), start


def _rare_words(text: Text) -> list[str]:
    words = sorted({w for w in _RARE_WORD.findall(text.abstract.text)
                    if zipf_frequency(w, "en") < SEED_ZIPF and _MEDICAL.search(w)})
    summary = " ".join(text.summary.sections().values()).lower()
    return [w for w in words if w not in summary]


def _definitions(text: Text) -> list[tuple[str, str]]:
    summary = " ".join(text.summary.sections().values())
    return sorted({(m.group(1), m.group(2)) for m in _DEFINITION.finditer(text.abstract.text)
                   if m.group(2) not in summary})


def _texts(data_dir: Path, rng: random.Random) -> list[Text]:
    texts = human_texts(data_dir) + offline_texts(data_dir)
    rng.shuffle(texts)
    return texts


def _seed(family: str, expect: str, text: Text, rng: random.Random, sentence: str,
          term: str, occurrence: int = 0) -> Seed:
    section = rng.choice(_sections(text.summary))
    summary, start = _insert(text.summary, section, sentence, rng)
    at = start + [m.start() for m in re.finditer(re.escape(term), sentence)][occurrence]
    return Seed(family=family, check="jargon", expect=expect,  # type: ignore[arg-type]
                text_id=f"{text.source}:{text.text_id}", abstract=text.abstract,
                summary=summary, section=section, start=at, end=at + len(term))


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    texts = _texts(data_dir, rng)
    made = 0
    for text in texts:
        if made >= PER_FAMILY:
            break
        words = _rare_words(text)
        abbreviations = [abbr for _, abbr in _definitions(text)]
        if words and (not abbreviations or rng.random() < 0.7):
            term, templates = rng.choice(words), _WORD_TEMPLATES
        elif abbreviations:
            term, templates = rng.choice(abbreviations), _ABBREVIATION_TEMPLATES
        else:
            continue
        yield _seed("jargon", "finding", text, rng, rng.choice(templates).format(t=term), term)
        made += 1
    made = 0
    for text in texts:
        if made >= PER_FAMILY:
            break
        definitions = _definitions(text)
        if not definitions:
            continue
        full, abbr = rng.choice(definitions)
        first, later = rng.choice(_DEFINED_TEMPLATES)
        sentence = f"{first.format(full=full, abbr=abbr)} {later.format(abbr=abbr)}"
        yield _seed("jargon-defined", "silence", text, rng, sentence, abbr, occurrence=1)
        made += 1
