"""The offline drafter: a deterministic lay summary built from the abstract itself.

It never calls a network. It picks the result and conclusion sentences, strips statistical
parentheticals, swaps research wording for plain words, and explains the design's limits.
Every number it writes is copied from the abstract, so its drafts pass the numbers check by
construction; its own sentences contain no numbers at all.
"""

from __future__ import annotations

import re

from ..config import Settings
from ..design import DesignKind, StudyDesign, detect_design
from ..models import Abstract, LaySummary, Provenance, WordLimits, count_words
from ..prompts import RenderedPrompt
from ..sentences import split_sentences
from . import DraftOutput
from .plain_words import plain_wording

NAME = "offline"

_STATS_PAREN = re.compile(
    r"\s*[\(\[][^()\[\]]*(?:\bCI\b|\bp\s*[=<>≤]|\bP\s*[=<>≤]|\bHR\b|\bOR\b|\bRR\b|\bSD\b|\bIQR\b|"
    r"\bSMD\b|\bMD\b|ratio|±|\bI2\b|I²|\bN\s*=|\bn\s*=|studies|trials|participants|GRADE|"
    r"evidence|95%)[^()\[\]]*[\)\]]",
    re.IGNORECASE,
)
_ANY_PAREN_ABBREV = re.compile(r"\s*\((?:[A-Z][A-Za-z0-9-]{1,9})\)")
_LABEL = re.compile(r"^(?:[A-Z][A-Za-z' ]{2,40}|[A-Z &']{3,40})[:.]\s+")
_RESULT_CUES = re.compile(
    r"\b(found|showed|shown|higher|lower|increase[ds]?|decrease[ds]?|reduc\w+|improv\w+|"
    r"linked|associated|fewer|more|less|differ\w*|no (?:clear )?difference|effect|risk|rate)\b",
    re.IGNORECASE,
)
_CONCLUSION_CUES = re.compile(
    r"\b(conclu\w+|suggest\w*|indicat\w+|in summary|overall|these (?:findings|results)|"
    r"may|might|could|remains? (?:unclear|uncertain))\b",
    re.IGNORECASE,
)
_SKIP_LABELS = re.compile(r"background|objective|aim|purpose|introduction|method|design|setting")
_OBJECTIVE = re.compile(r"^(?:to|we aimed|this study aimed|the aim)\b", re.IGNORECASE)
_METHOD_CUES = re.compile(r"\b(we (?:searched|included|reviewed|enrolled|recruited)|were included|"
                          r"were enrolled|were randomi[sz]ed|defined as|estimated with|regression)\b",
                          re.IGNORECASE)


class _Cleaner:
    """Drops section labels and statistical asides, then uses plain words.

    One cleaner serves one summary, so a bracketed explanation appears only the first time.
    """

    def __init__(self) -> None:
        self.explained: set[str] = set()

    def __call__(self, sentence: str) -> str:
        text = _LABEL.sub("", sentence.strip())
        text = _STATS_PAREN.sub("", text)
        text = _ANY_PAREN_ABBREV.sub("", text)
        text = re.sub(r"\s+([,.;:])", r"\1", text)
        text = re.sub(r"\s{2,}", " ", text)
        text = plain_wording(text, self.explained).strip()
        return text[0].upper() + text[1:] if text else text


def _sentences_by_category(abstract: Abstract) -> tuple[list[str], list[str]]:
    """Result and conclusion sentences, from labelled sections when the abstract has them."""
    results = [s.text for s in abstract.sections if s.category == "results"]
    conclusions = [s.text for s in abstract.sections if s.category == "conclusions"]
    if results or conclusions:
        split = lambda parts: [x.text for p in parts for x in split_sentences(p)]  # noqa: E731
        return split(results), split(conclusions)
    found: list[str] = []
    concluded: list[str] = []
    for sentence in split_sentences(abstract.text):
        text = sentence.text
        label = text.split(":", 1)[0].strip().lower() if ":" in text[:40] else ""
        if _SKIP_LABELS.search(label) or _OBJECTIVE.match(text):
            continue
        if "conclu" in label or (_CONCLUSION_CUES.search(text) and not _METHOD_CUES.search(text)):
            concluded.append(text)
        elif "result" in label or (_RESULT_CUES.search(text) and not _METHOD_CUES.search(text)):
            found.append(text)
    return found, concluded


def _fit(sentences: list[str], max_words: int) -> str:
    """Whole sentences, in order, up to the word limit."""
    kept: list[str] = []
    total = 0
    for sentence in sentences:
        words = count_words(sentence)
        if words == 0 or total + words > max_words:
            continue
        kept.append(sentence if sentence.endswith((".", "!", "?")) else sentence + ".")
        total += words
    return " ".join(kept)


def _headline(conclusions: list[str], results: list[str], max_words: int,
              _clean: _Cleaner) -> str:
    for candidate in [*conclusions, *results]:
        text = _clean(candidate)
        text = re.sub(r"^(?:In (?:this|conclusion|summary)[^,]*,\s*)", "", text, flags=re.I)
        if 5 <= count_words(text) <= max_words:
            return text[0].upper() + text[1:]
    words = _clean((conclusions or results or ["This study reports its findings."])[0]).split()
    return " ".join(words[:max_words]).rstrip(",;:") + ("" if len(words) <= max_words else "…")


def _who_was_studied(design: StudyDesign) -> str:
    if design.kind is DesignKind.systematic_review:
        return "The researchers brought together the results of earlier studies on this question."
    if design.kind is DesignKind.animal:
        return "The researchers did this study in animals, not in people."
    if design.kind is DesignKind.in_vitro:
        return "The researchers did this study on cells in the lab, not in people."
    if design.participants is not None:
        return f"The researchers studied a group of {design.participants} people."
    return "The researchers studied a group of people to answer this question."


def _limitations(design: StudyDesign) -> list[str]:
    limits: list[str] = []
    if design.retrospective:
        limits.append("The researchers looked back at existing records instead of running a "
                      "planned experiment, so some details may be missing.")
    if design.observational:
        limits.append("A study like this can show that things go together, but it cannot "
                      "show cause and effect.")
    if design.non_human:
        limits.append("Results in animals or cells often do not turn out the same in people, so "
                      "much more research is needed.")
    if design.small:
        limits.append("The study was small, so the results could change in a larger group.")
    if design.single_centre:
        limits.append("Everyone came from a single clinic, so the results may not apply to "
                      "people treated elsewhere.")
    if design.kind is DesignKind.systematic_review:
        limits.append("A review can only be as strong as the studies it includes, and those "
                      "studies may have differed in how they were done.")
    limits.append("The summary is based on the abstract alone, and the full paper may hold "
                  "details that change how the results should be read.")
    return limits


def _why_it_matters(settings: Settings, conclusions: list[str], _clean: _Cleaner) -> list[str]:
    lines = [f"This research may interest {settings.audience} because it adds to what is known "
             "about this question."]
    lines += [_clean(c) for c in conclusions[:2]]
    lines.append("This is a single study, and it does not mean anyone should change their treatment. "
                 "Questions about what it means for you are best taken to your care team.")
    return lines


class OfflineDrafter:
    """Deterministic drafter used when no API key or model server is configured."""

    name = NAME

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def summarise(self, abstract: Abstract) -> LaySummary:
        """Build the four fields; explanations in brackets are given once per summary."""
        limits: WordLimits = self.settings.limits
        _clean = _Cleaner()
        design = detect_design(abstract)
        results, conclusions = _sentences_by_category(abstract)
        if not results and not conclusions:
            results = [s.text for s in split_sentences(abstract.text)[-3:]]
        found = [_who_was_studied(design), *(_clean(s) for s in results)]
        if not results:
            found += [_clean(s) for s in conclusions]
        return LaySummary(
            headline=_headline(conclusions, results, limits.headline.max, _Cleaner()),
            what_was_found=_fit(found, limits.what_was_found.max),
            why_it_matters=_fit(_why_it_matters(self.settings, conclusions, _clean),
                                limits.why_it_matters.max),
            limitations=_fit(_limitations(design), limits.limitations.max),
        )

    def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput:
        return DraftOutput(
            summary=self.summarise(abstract),
            provenance=Provenance(
                drafter=NAME, model=None, prompt_fingerprint=prompt.fingerprint, cost_usd=0.0
            ),
        )
