"""Every section present and within its word range, and the limits the design calls for.

Missing sections are errors; sections outside their configured word range (``[limits]``) and a
headline that asks a question or runs to several sentences are warnings. When the design has
a main limit (retrospective, observational, non-human, small, single centre), the limitations
section should say so in plain words; a missing explanation is a warning.

Codes:

- ``completeness.empty_section``: a section of the summary is empty;
- ``completeness.length``: a section has fewer or more words than its configured range;
- ``completeness.headline_question``: the headline asks a question;
- ``completeness.headline_sentences``: the headline runs to more than one sentence;
- ``completeness.design_limit``: the limitations leave unsaid the design's main limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..models import (
    SECTION_TITLES,
    Abstract,
    Finding,
    LaySummary,
    Severity,
    WordLimits,
    count_words,
)
from ..text.design import detect_design
from ..text.sentences import count_sentences

NAME = "completeness"

LIMIT_WORDING: dict[str, tuple[re.Pattern[str], str]] = {
    "retrospective": (
        re.compile(r"looked back|look back|retrospective|past records|existing records|"
                   r"records? (?:that|which) already|already (?:been )?(?:collected|recorded)", re.I),
        "The researchers looked back at past records, so some details may be missing.",
    ),
    "observational": (
        re.compile(r"cannot (?:show|prove|tell)|can't (?:show|prove|tell)|cause and effect|"
                   r"\blinked\b|\blink\b|associat|does not (?:show|prove)|not (?:prove|show) that",
                   re.I),
        "This kind of study can show a link, but it cannot show cause and effect.",
    ),
    "animal": (
        re.compile(r"\b(?:animals?|mice|mouse|rats?|rodents?)\b", re.I),
        "The study was in animals; results in animals often differ in people.",
    ),
    "in_vitro": (
        re.compile(r"\b(?:cells?|laboratory|lab|test tubes?)\b", re.I),
        "The study was on cells in a laboratory, not in people.",
    ),
    "small": (
        re.compile(r"\bsmall\b|\bfew\b|\blimited number\b|\d", re.I),
        "The study was small, so the results could change in a larger group.",
    ),
    "single_centre": (
        re.compile(r"\b(?:one|single|a single)\s+(?:clinic|centre|center|hospital|site|place)\b",
                   re.I),
        "Everyone came from one clinic, so the results may not apply elsewhere.",
    ),
}


def make_completeness_check(
    limits: WordLimits | None = None,
) -> Callable[[Abstract, LaySummary], list[Finding]]:
    """The completeness check for the configured word ranges."""
    word_limits = limits or WordLimits()

    def check_completeness(abstract: Abstract, summary: LaySummary) -> list[Finding]:
        findings = _presence_and_length(summary, word_limits)
        findings += _headline_shape(summary.headline)
        findings += _design_limits(abstract, summary.limitations)
        return findings

    return check_completeness


def _presence_and_length(summary: LaySummary, limits: WordLimits) -> list[Finding]:
    findings = []
    for name, text in summary.sections().items():
        title = SECTION_TITLES[name]
        words = count_words(text or "")
        if not words:
            findings.append(Finding(
                check=NAME, code="completeness.empty_section", severity=Severity.error,
                section=name, message=f"'{title}' is empty.", suggestion=f"Write the '{title}' section.",
            ))
            continue
        rng = limits.for_field(name)
        if not rng.min <= words <= rng.max:
            findings.append(Finding(
                check=NAME, code="completeness.length", severity=Severity.warning,
                section=name, message=f"'{title}' has {words} words; the configured range is "
                        f"{rng.min} to {rng.max}.",
                suggestion="Shorten it." if words > rng.max else "Add the missing detail.",
            ))
    return findings


def _headline_shape(headline: str) -> list[Finding]:
    findings = []
    text = headline.strip()
    if text.endswith("?"):
        findings.append(Finding(
            check=NAME, code="completeness.headline_question", severity=Severity.warning,
            section="headline", start=len(headline.rstrip()) - 1, end=len(headline.rstrip()),
            message="The headline asks a question.",
            suggestion="State the main finding as a plain sentence.",
        ))
    if count_sentences(text) > 1:
        findings.append(Finding(
            check=NAME, code="completeness.headline_sentences", severity=Severity.warning,
            section="headline", message="The headline has more than one sentence.",
            suggestion="Keep the headline to one sentence.",
        ))
    return findings


def _design_limits(abstract: Abstract, limitations: str) -> list[Finding]:
    findings = []
    for name in detect_design(abstract).main_limits:
        pattern, example = LIMIT_WORDING[name]
        if not pattern.search(limitations or ""):
            findings.append(Finding(
                check=NAME, code="completeness.design_limit", severity=Severity.warning,
                section="limitations", message=f"The limitations do not explain that the study was "
                        f"{name.replace('_', ' ')}.",
                suggestion=f"For example: '{example}'",
            ))
    return findings
