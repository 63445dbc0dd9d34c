"""Automatic findings for reviewers: each check is a pure function of (Abstract, LaySummary).

``run_checks`` is the one entry point the rest of laydraft uses; ``CHECKS`` is the registry,
one ``CheckSpec`` per check (name, factory, what it reports). One module per check:

- ``numbers``: every figure traceable to the abstract (errors);
- ``claims``: causal wording for an observational design and certainty words (warnings),
  animal or cell results told as human results (errors);
- ``advice``: telling readers to change their treatment (errors) or what to do about their
  care (warnings);
- ``jargon``: unexplained technical words and abbreviations (warnings);
- ``completeness``: sections present, word ranges, headline shape, the design's limits;
- ``readability``: reading grade overall (info) and per section above target (warnings);
- ``injection``: abstract text that addresses the model, and summaries that follow it (errors);
- ``markup``: HTML, script, script addresses or Markdown links in a summary (errors);
- ``language``: a summary in another language than the configured one (errors), or a
  sentence in another language (warnings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Abstract, Finding, LaySummary, WordLimits
from ..text.normalise import fold
from .advice import check_advice
from .claims import check_claims
from .completeness import make_completeness_check
from .injection import check_injection
from .jargon import check_jargon
from .language import DEFAULT_LANGUAGE, make_language_check
from .markup import check_markup
from .numbers import check_numbers
from .readability import ReadingLevel, make_readability_check, readability

Check = Callable[[Abstract, LaySummary], list[Finding]]

__all__ = ["CHECKS", "CHECKS_VERSION", "Check", "CheckSpec", "ReadingLevel", "checks_for",
           "readability", "run_checks"]

_ORDER = {"error": 0, "warning": 1, "info": 2}

# The checks' version, stored with every version's findings (``Version.checks_version``) so a
# reviewer and ``laydraft check --queue`` can tell which checks computed them. Bump it by one
# whenever a change can change the findings some text gets (a new check or code, a changed
# rule, word list or threshold, a changed message or suggestion); never for a change that
# leaves every finding identical. Findings stored before versions were recorded have None.
CHECKS_VERSION = 1


@dataclass(frozen=True)
class CheckSpec:
    """One check: its name (the ``Finding.check`` it reports under), how to build it, and what
    it reports. ``make`` receives the target grade, word ranges and language (ISO 639-1);
    most checks ignore them."""

    name: str
    make: Callable[[float, WordLimits | None, str], Check]
    reports: str


def _fixed(check: Check) -> Callable[[float, WordLimits | None, str], Check]:
    return lambda target_grade, limits, language: check


# The registry, in the order findings of equal severity are listed.
CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("numbers", _fixed(check_numbers),
              "errors: figures in the summary that cannot be traced to the abstract"),
    CheckSpec("claims", _fixed(check_claims),
              "warnings: causal wording the design cannot support, certainty words; errors: "
              "animal or cell results told as results in people"),
    CheckSpec("advice", _fixed(check_advice),
              "errors: telling readers to change their treatment; warnings: other "
              "instructions about their care"),
    CheckSpec("jargon", _fixed(check_jargon),
              "warnings: unexplained technical words and abbreviations"),
    CheckSpec("completeness", lambda grade, limits, language: make_completeness_check(limits),
              "missing sections, word counts outside their ranges, headline shape, and the "
              "design's limits left unsaid"),
    CheckSpec("readability", lambda grade, limits, language: make_readability_check(grade),
              "info: the reading grade overall; warnings: sections above the target grade"),
    CheckSpec("injection", _fixed(check_injection),
              "errors: abstract text that addresses the model, and summaries that follow it"),
    CheckSpec("markup", _fixed(check_markup),
              "errors: HTML, script, javascript:/data: addresses or Markdown links in a summary"),
    CheckSpec("language", lambda grade, limits, language: make_language_check(language),
              "errors: a summary in another language than the configured one; warnings: "
              "sentences in another language"),
)


def checks_for(target_grade: float = 8, limits: WordLimits | None = None,
               language: str = DEFAULT_LANGUAGE) -> list[Check]:
    """Every registered check, configured with the target grade, word ranges and language."""
    return [spec.make(target_grade, limits, language) for spec in CHECKS]


def run_checks(
    abstract: Abstract,
    summary: LaySummary,
    *,
    target_grade: float = 8,
    limits: WordLimits | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[Finding]:
    """Every check's findings for one summary of one abstract, errors first.

    Every check reads the texts with dash, hyphen, minus and space variants folded to one
    spelling each (one character for one, so offsets still point into what the reviewer sees).
    """
    abstract = abstract.model_copy(update={
        "text": fold(abstract.text),
        "sections": [s.model_copy(update={"text": fold(s.text)}) for s in abstract.sections]})
    summary = summary.model_copy(
        update={name: fold(text) for name, text in summary.sections().items()})
    findings = [f for check in checks_for(target_grade, limits, language)
                for f in check(abstract, summary)]
    return sorted(findings, key=lambda f: _ORDER[f.severity.value])
