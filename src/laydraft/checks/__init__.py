"""Automatic findings for reviewers: each check is a pure function of (Abstract, LaySummary).

``run_checks`` is the one entry point the rest of laydraft uses. One module per check:

- ``numbers``: every figure traceable to the abstract (errors);
- ``claims``: causal wording for the design (warnings), animal or cell results told as human
  results (errors);
- ``advice``: telling readers what to do with their treatment (warnings);
- ``jargon``: unexplained technical words and abbreviations (warnings);
- ``completeness``: sections present, word ranges, headline shape, the design's limits;
- ``readability``: reading grade overall (info) and per section above target (warnings).
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import Abstract, Finding, LaySummary, WordLimits
from .advice import check_advice
from .claims import check_claims
from .completeness import make_completeness_check
from .jargon import check_jargon
from .numbers import check_numbers
from .readability import ReadingLevel, make_readability_check, readability

Check = Callable[[Abstract, LaySummary], list[Finding]]

__all__ = ["Check", "ReadingLevel", "checks_for", "readability", "run_checks"]

_ORDER = {"error": 0, "warning": 1, "info": 2}


def checks_for(target_grade: float = 8, limits: WordLimits | None = None) -> list[Check]:
    """Every check, configured with the target grade and word ranges."""
    return [
        check_numbers,
        check_claims,
        check_advice,
        check_jargon,
        make_completeness_check(limits),
        make_readability_check(target_grade),
    ]


def run_checks(
    abstract: Abstract,
    summary: LaySummary,
    *,
    target_grade: float = 8,
    limits: WordLimits | None = None,
) -> list[Finding]:
    """Every check's findings for one summary of one abstract, errors first."""
    findings = [f for check in checks_for(target_grade, limits) for f in check(abstract, summary)]
    return sorted(findings, key=lambda f: _ORDER[f.severity.value])
