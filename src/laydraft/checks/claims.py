"""Claims the study design cannot support.

Causal or certain wording ("causes", "proves", "cures", "prevents", "will", "leads to",
"guarantees") in a summary of an observational or non-human study is a warning. A summary of
an animal or cell study that talks about people or patients and never says the work was in
animals or cells is an error: readers will take the results as human results.
"""

from __future__ import annotations

import re

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.design import DesignKind, StudyDesign, detect_design

NAME = "claims"

_CAUSAL = re.compile(
    r"\b(?:causes?|caused|causing|proves?|proved|proven|cures?|cured|curing|prevents?|"
    r"prevented|preventing|will|leads? to|led to|guarantees?|guaranteed|definitely|"
    r"certainly|eliminates?|stops?)\b",
    re.I,
)
_NEGATED = re.compile(
    r"\b(?:not|no|cannot|can't|never|nor|unclear whether|whether|if)\b[^.;]{0,30}$|n't\s+$", re.I
)
_CAUSE_NOUN = re.compile(r"\s+(?:and effect|of)\b", re.I)
_PEOPLE = re.compile(
    r"\b(?:people|patients?|persons?|humans?|men|women|children|adults|you|your)\b", re.I
)
_NON_HUMAN_WORDS = {
    DesignKind.animal: re.compile(
        r"\b(?:animals?|mice|mouse|rats?|rodents?|zebrafish|monkeys?|primates?|rabbits?|"
        r"pigs?|piglets?|dogs?)\b", re.I),
    DesignKind.in_vitro: re.compile(
        r"\b(?:cells?|laboratory|lab|test tubes?|dish(?:es)?|in vitro|tissue)\b", re.I),
}


def causal_wording(text: str) -> list[re.Match[str]]:
    """Causal or certain words in ``text`` that are not negated ("cannot show cause")."""
    hits = []
    for match in _CAUSAL.finditer(text):
        if _NEGATED.search(text[max(0, match.start() - 40):match.start()]):
            continue
        if match.group().lower() == "cause" and _CAUSE_NOUN.match(text, match.end()):
            continue
        hits.append(match)
    return hits


def _design_label(design: StudyDesign) -> str:
    if design.non_human:
        return "an animal study" if design.kind is DesignKind.animal else "a laboratory study"
    return "an observational study"


def check_claims(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    design = detect_design(abstract)
    findings: list[Finding] = []
    sections = summary.sections()
    if design.observational or design.non_human:
        label = _design_label(design)
        for section, text in sections.items():
            for match in causal_wording(text):
                findings.append(Finding(
                    check=NAME, severity=Severity.warning, section=section,
                    start=match.start(), end=match.end(),
                    message=f"'{match.group()}' claims cause or certainty; this is {label}.",
                    suggestion="Use 'was linked to', 'may' or 'in this study' instead.",
                ))
    if design.non_human:
        findings.extend(_as_if_in_people(design, sections))
    return findings


def _as_if_in_people(design: StudyDesign, sections: dict[str, str]) -> list[Finding]:
    non_human = _NON_HUMAN_WORDS[design.kind]
    if any(non_human.search(text) for text in sections.values()):
        return []
    for section, text in sections.items():
        person = _PEOPLE.search(text)
        if person:
            where = "animals" if design.kind is DesignKind.animal else "cells in a laboratory"
            return [Finding(
                check=NAME, severity=Severity.error, section=section,
                start=person.start(), end=person.end(),
                message=f"The study was in {where}, but the summary reads as if it was in people.",
                suggestion=f"Say plainly that the work was done in {where}, not in people.",
            )]
    return []
