"""The offline drafter: a deterministic lay summary built from the abstract itself.

It never calls a network. It reads the abstract into labelled sentences (``source``), finds
the main finding for the headline (``main_finding``), states who took part (``participants``),
keeps only sentences that stand alone (``clauses``), swaps research wording for plain words
without breaking grammar or sense (``wording``) and assembles the four sections with little
template wording (``sections``). Every number it writes is copied from the abstract, so its
drafts pass the numbers check by construction.
"""

from __future__ import annotations

from ...config import Settings
from ...models import Abstract, LaySummary, Provenance, WordLimits
from ...prompts import RenderedPrompt
from ...text.design import detect_design
from ...text.glossary import candidate_terms, explained, glossary
from ...text.suspicious import without_flagged_sentences
from .. import DraftOutput
from . import main_finding, participants, sections, wording
from .source import read_abstract

NAME = "offline"

_FOUND_WORDS = 120
_NO_FINDING = "This study reports new research findings on this question."


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
        lines = read_abstract(abstract)
        defined = wording.abbreviations(abstract.text)
        prepare = main_finding.Prepare(defined, wording.condition_swaps(abstract.text))
        known = {"HIV", "DNA"}  # any other abbreviation keeps a sentence out of the headline
        headline = main_finding.headline(lines, prepare, limits.headline.max, known)
        if headline is None:
            headline = _NO_FINDING
        who = participants.sentence(participants.who(lines, design), design)
        primary = main_finding.primary_result(lines)
        found = sections.what_was_found(lines, primary, who, prepare, headline,
                                        min(_FOUND_WORDS, limits.what_was_found.max))
        why = sections.why_it_matters(lines, prepare, headline, self.settings.audience,
                                      abstract.text, limits.why_it_matters.max, found)
        limited = sections.limitations(lines, design, prepare, limits.limitations.max,
                                       [headline, *found, *why])
        done: set[str] = set()
        return LaySummary(
            headline=_explain_terms(headline, done),
            what_was_found=_explain_terms(" ".join(found), done),
            why_it_matters=_explain_terms(" ".join(why), done),
            limitations=_explain_terms(" ".join(limited), done),
        )

    def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput:
        return DraftOutput(
            summary=self.summarise(abstract),
            provenance=Provenance(
                drafter=NAME, model=None, prompt_fingerprint=prompt.fingerprint, cost_usd=0.0
            ),
        )


__all__ = ["NAME", "OfflineDrafter"]
