"""Wording that tells readers what to do with their treatment.

Summaries inform; decisions belong to readers and their care team. Directives such as "stop
taking", "start taking", "you should switch", "ask for X" or "increase your dose" are flagged
for review. Pointing readers to their care team ("talk with your doctor", "ask your care team
about") is what the style asks for and is not flagged, nor is negated wording ("this does not
mean anyone should stop their treatment").
"""

from __future__ import annotations

import re

from ..models import Abstract, Finding, LaySummary, Severity

NAME = "advice"

_CARER = r"(?:(?:your|a|the)\s+)?(?:doctor|nurse|neurologist|pharmacist|care\s+team|GP|specialist)"
_DIRECTIVE = re.compile(
    rf"""\b(?:
        (?:stop|start|begin|quit|keep|continue)\s+(?:taking|using|your)\b
      | (?:switch|change)\s+(?:to|your)\b
      | you\s+(?:should|must|need\s+to|ought\s+to)\s+\w+
      | (?:should|must)\s+(?:switch|stop|start|take|try|use|avoid|change|ask|insist)\b
      | ask\s+(?:{_CARER}\s+)?for\b
      | insist\s+on\b
      | (?:increase|decrease|reduce|lower|raise|double|skip)\s+(?:your|the)\s+(?:dose|dosage|medication|medicine)s?\b
      | (?:do\s+not|don't|never)\s+(?:take|use|stop|start)\b
      | avoid\s+(?:taking|using)\b
      | (?:try|consider)\s+(?:taking|using|switching)\b
    )""",
    re.I | re.X,
)
_NEGATED = re.compile(
    r"\b(?:not|no one|nobody|never|without)\b[^.;]{0,40}$|\bdoes\s+not\s+mean\b[^.;]*$", re.I
)


def check_advice(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    findings = []
    for section, text in summary.sections().items():
        for match in _DIRECTIVE.finditer(text):
            phrase = match.group()
            negative_directive = phrase.lower().startswith(("do not", "don't", "never"))
            if not negative_directive and _NEGATED.search(text[max(0, match.start() - 60):match.start()]):
                continue
            findings.append(Finding(
                check=NAME, severity=Severity.warning, section=section,
                start=match.start(), end=match.end(),
                message=f"'{phrase}' tells readers what to do about their treatment.",
                suggestion="Point readers to their care team instead, e.g. 'talk with your "
                           "doctor or care team about what this means for you'.",
            ))
    return findings
