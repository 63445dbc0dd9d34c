"""The offline drafter: a deterministic lay summary built from the abstract itself.

It never calls a network. It picks the result and conclusion sentences, strips statistical
parentheticals, swaps research wording for plain words, and explains the design's limits.
Every number it writes is copied from the abstract, so its drafts pass the numbers check by
construction; its own sentences contain no numbers at all.
"""

from __future__ import annotations

import re

from ..config import Settings
from ..models import Abstract, LaySummary, Provenance, WordLimits, count_words
from ..prompts import RenderedPrompt
from ..text.design import DesignKind, StudyDesign, detect_design
from ..text.glossary import candidate_terms, explained, glossary
from ..text.plain_words import plain_wording
from ..text.sentences import split_sentences
from ..text.suspicious import without_flagged_sentences
from . import DraftOutput

NAME = "offline"

_STATS_PAREN = re.compile(
    r"\s*[\(\[][^()\[\]]*(?:\bCI\b|\bp\s*[=<>≤]|\bP\s*[=<>≤]|\bHR\b|\bOR\b|\bRR\b|\bSD\b|\bIQR\b|"
    r"\bSMD\b|\bMD\b|ratio|±|\bI2\b|I²|\bN\s*=|\bn\s*=|studies|trials|participants|GRADE|"
    r"evidence|95%)[^()\[\]]*[\)\]]",
    re.IGNORECASE,
)
_ANY_PAREN = re.compile(r"\s*[\(\[][^()\[\]]*[\)\]]")
_CLAUSE_AT = re.compile(r";\s+|,\s+(?=(?:but|whereas|while|although)\b)")
_LONGEST_PIECE = 32
_FOUND_WORDS = 110
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
    """Drops section labels and bracketed asides, uses plain words, splits long sentences.

    One cleaner serves one summary, so a bracketed explanation appears only the first time.
    """

    def __init__(self) -> None:
        self.explained: set[str] = set()

    def __call__(self, sentence: str) -> str:
        text = _LABEL.sub("", sentence.strip())
        text = _STATS_PAREN.sub("", text)
        text = _ANY_PAREN.sub("", text)
        text = re.sub(r"\s+([,.;:])", r"\1", text)
        text = re.sub(r"\s{2,}", " ", text)
        text = plain_wording(text, self.explained).strip()
        return _capitalise(text)

    def pieces(self, sentence: str) -> list[str]:
        """The cleaned sentence cut at sentence ends, semicolons and contrasts into shorter
        sentences."""
        parts = [part for whole in split_sentences(self(sentence))
                 for part in _CLAUSE_AT.split(whole.text)]
        out = []
        for part in parts:
            part = part.strip(" ,;")
            if count_words(part) >= 4:
                out.append(_capitalise(part if part.endswith((".", "!", "?")) else part + "."))
        return out


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _grade(text: str) -> float:
    """Coleman-Liau grade of one sentence: letters per word and words per sentence.

    Only used to rank candidate sentences, so it needs no syllable counts and stays cheap.
    """
    words = count_words(text)
    if not words:
        return 0.0
    letters = sum(ch.isalpha() for ch in text)
    return 0.0588 * (100 * letters / words) - 0.296 * (100 / words) - 15.8


def _simplest(pieces: list[str], max_words: int) -> list[str]:
    """The easiest-to-read pieces that fit ``max_words``, kept in their original order."""
    chosen: set[int] = set()
    total = 0
    for index in sorted(range(len(pieces)), key=lambda i: (_grade(pieces[i]), i)):
        words = count_words(pieces[index])
        if words <= _LONGEST_PIECE and total + words <= max_words:
            chosen.add(index)
            total += words
    return [pieces[i] for i in sorted(chosen)]


def _sentences_by_category(abstract: Abstract) -> tuple[list[str], list[str]]:
    """Result and conclusion sentences, from labelled sections when the abstract has them."""
    results = [s.text for s in abstract.sections if s.category == "results"]
    conclusions = [s.text for s in abstract.sections if s.category == "conclusions"]
    if results or conclusions:
        def split(parts: list[str]) -> list[str]:
            return [x.text for p in parts for x in split_sentences(p)]

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


def _headline(conclusions: list[str], results: list[str], max_words: int) -> str:
    """The easiest-to-read conclusion (else result) sentence that fits the headline range."""
    clean = _Cleaner()
    for pool in (conclusions, results):
        pieces = [p for s in pool for p in clean.pieces(s)]
        pieces = [re.sub(r"^(?:In (?:this|conclusion|summary)[^,]*,\s*)", "", p, flags=re.I)
                  for p in pieces]
        fitting = [_capitalise(p) for p in pieces if 5 <= count_words(p) <= max_words]
        if fitting:
            return min(fitting, key=_grade)
    return "A summary of new research findings on this question."


def _who_was_studied(design: StudyDesign) -> str:
    if design.kind is DesignKind.systematic_review:
        return "This was a review. It pooled the results of past studies."
    if design.kind is DesignKind.animal:
        return "This study was done in animals, not in people."
    if design.kind is DesignKind.in_vitro:
        return "This study was done on cells in a lab, not in people."
    if design.participants is not None:
        return f"The team studied {design.participants} people."
    return "The team studied a group of people."


def _limitations(design: StudyDesign) -> list[str]:
    limits: list[str] = []
    if design.retrospective:
        limits.append("The team looked back at past records. They did not set up a new test, "
                      "so some facts may be missing.")
    if design.observational:
        limits.append("This kind of study can show that things go together. It cannot show "
                      "cause and effect.")
    if design.kind is DesignKind.animal:
        limits.append("The work was done in animals. Results in animals often do not hold in "
                      "people.")
    if design.kind is DesignKind.in_vitro:
        limits.append("The work was done on cells in a lab. Results in cells often do not hold "
                      "in people.")
    if design.small:
        limits.append("The study was small. A larger study could find something else.")
    if design.single_centre:
        limits.append("Everyone came from a single clinic. Results may differ in other places.")
    if design.kind is DesignKind.systematic_review:
        limits.append("A review is only as good as the studies in it. Those studies were not "
                      "all done the same way.")
    limits.append("This summary is based on the abstract alone. The full paper may add "
                  "details that matter.")
    return limits


def _why_it_matters(settings: Settings, conclusions: list[str], clean: _Cleaner) -> list[str]:
    lines = [f"This may interest {settings.audience}. It adds to what we know about this topic."]
    lines += _simplest([p for c in conclusions for p in clean.pieces(c)], 45)
    lines.append("This is just a single study. It is not a reason to change your treatment. "
                 "Talk with your care team about any questions.")
    return lines


def _explain_terms(text: str, done: set[str]) -> str:
    """Explain each curated term or abbreviation in brackets the first time the summary uses it.

    The explanations come from the team's jargon list, the same one the jargon check uses, so
    a term the drafter explains is one the check will not flag.
    """
    inserts: list[tuple[int, str]] = []
    for start, end, term, plain in candidate_terms(text, glossary()):
        key = term.lower()
        if plain is None or key in done or any(ch.isdigit() for ch in plain):
            continue
        done.add(key)
        if not explained(text, start, end):
            inserts.append((end, f" ({plain})"))
    for position, addition in reversed(inserts):
        text = text[:position] + addition + text[position:]
    return text


def _join(sentences: list[str], max_words: int) -> str:
    """Whole sentences, in order, up to the word limit."""
    kept: list[str] = []
    total = 0
    for sentence in sentences:
        words = count_words(sentence)
        if words and total + words <= max_words:
            kept.append(sentence)
            total += words
    return " ".join(kept)


class OfflineDrafter:
    """Deterministic drafter used when no API key or model server is configured."""

    name = NAME

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def summarise(self, abstract: Abstract) -> LaySummary:
        """Build the four fields; explanations in brackets are given once per summary."""
        limits: WordLimits = self.settings.limits
        abstract = without_flagged_sentences(abstract)  # never copy text addressing the model
        design = detect_design(abstract)
        results, conclusions = _sentences_by_category(abstract)
        if not results and not conclusions:
            results = [s.text for s in split_sentences(abstract.text)[-3:]]
        clean = _Cleaner()
        pool = [p for s in (results or conclusions) for p in clean.pieces(s)]
        budget = min(_FOUND_WORDS, limits.what_was_found.max) - 8
        found = [_who_was_studied(design), *_simplest(pool, budget)]
        done: set[str] = set()
        return LaySummary(
            headline=_headline(conclusions, results, limits.headline.max),
            what_was_found=_explain_terms(_join(found, limits.what_was_found.max), done),
            why_it_matters=_explain_terms(_join(
                _why_it_matters(self.settings, conclusions, clean), limits.why_it_matters.max),
                done),
            limitations=_explain_terms(_join(_limitations(design), limits.limitations.max), done),
        )

    def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput:
        return DraftOutput(
            summary=self.summarise(abstract),
            provenance=Provenance(
                drafter=NAME, model=None, prompt_fingerprint=prompt.fingerprint, cost_usd=0.0
            ),
        )
