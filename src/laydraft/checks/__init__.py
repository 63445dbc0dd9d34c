"""Automatic findings for reviewers: each check is a pure function of (Abstract, LaySummary).

``run_checks`` is the one entry point the rest of laydraft uses.
"""

from __future__ import annotations

from ..models import Abstract, Finding, LaySummary, Severity, WordLimits, count_words


def _length(summary: LaySummary, limits: WordLimits) -> list[Finding]:
    findings = []
    for name, text in summary.sections().items():
        rng = limits.for_field(name)
        words = count_words(text)
        if not rng.min <= words <= rng.max:
            findings.append(Finding(
                check="length", severity=Severity.warning, section=name,
                message=f"{words} words; the configured range is {rng.min} to {rng.max}",
            ))
    return findings


def run_checks(
    abstract: Abstract,
    summary: LaySummary,
    *,
    target_grade: float = 8,
    limits: WordLimits | None = None,
) -> list[Finding]:
    """Every check's findings for one summary of one abstract, errors first."""
    findings = _length(summary, limits or WordLimits())
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order[f.severity.value])
