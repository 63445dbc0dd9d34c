"""Claims the evidence cannot support, read with the study design and the sentence around them.

Codes (stable; messages may change, codes do not):

- ``claims.causal_observational`` (warning): cause-and-effect wording ("causes", "led to",
  "prevents", "results in", "reduces the risk") in a summary of an observational study (cohort, case-control,
  cross-sectional), which can show a link but not a cause. Randomised trials may say what a
  treatment caused, and so may laboratory and animal experiments described as such; case
  reports and series describe their own cases; diagnostic-accuracy studies, and any sentence
  whose subject is a test or method, may say what a test leads to; and a sentence the
  abstract's background states as known before the study is not this study's claim.
- ``claims.certainty`` (warning): certainty no study gives, in any design: "proves",
  "proven to", "definitely", "certainly", "guarantees", "cures", "a cure for", "will cure",
  "without doubt", "completely safe", "always works".
- ``claims.non_human_as_human`` (error): an animal or cell study told as if it was in people:
  the summary talks about people or patients and never says the work was in animals or cells.

Not claims: nouns ("death from any cause"), negated or open wording ("did not show that it
causes", "unclear whether"), hedged wording ("may lead to", "appeared to prevent"), aims
("measures to prevent"), linking uses ("proved to be easier"), names ("STOP-BANG"), and the
drafter's own bracketed explanations ("(causing swelling and irritation)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.context import (
    explanation_spans,
    hedged,
    inside,
    measurement_subject,
    negated,
    noun_use,
    purpose_use,
)
from ..text.design import DesignKind, StudyDesign, detect_design
from ..text.normalise import fold
from ..text.sentences import sentence_spans

NAME = "claims"
CAUSAL = "claims.causal_observational"
CERTAINTY = "claims.certainty"
NON_HUMAN = "claims.non_human_as_human"

_CAUSAL = re.compile(
    r"\b(?:causes?|caused|causing|leads?\s+to|led\s+to|leading\s+to|results?\s+in|"
    r"resulted\s+in|prevents?|prevented|preventing|protects?\s+against|protected\s+against|"
    r"stops|eliminates?|eliminated|will\s+(?:cause|lead\s+to|prevent|stop|protect\s+against|"
    r"reduce|increase|lower|raise)|"
    r"(?:reduces|lowers|raises|increases|cuts|halves|doubles)\s+(?:the\s+|their\s+|your\s+)?"
    r"(?:\w+\s+)?risk)\b",
    re.I,
)
_CERTAIN = re.compile(
    r"\b(?:prove[sd]?(?=\s+(?:that|it|this|these|the|a|an|beyond)\b)|proves\b|"
    r"(?:is|are|was|were|been|be|now|scientifically|clinically)\s+proven\b|proven\s+to\b|"
    r"proof(?=\s+that)|(?:definitely|certainly)(?!\s*,|\s+[\w-]*(?:related|attributable|due)\b)|"
    r"guarantee[sd]?|cures|(?:will|can)\s+cure|(?:a|the|is\s+a|an\s+effective)\s+cure\s+for|"
    r"will\s+(?:definitely|certainly|always|surely)\s+\w+|will\s+(?:heal|fix|reverse|work)|"
    r"without\s+(?:a\s+|any\s+)?doubt|beyond\s+(?:any\s+|all\s+|reasonable\s+)?doubt|"
    r"no\s+doubt\s+that|conclusively\s+(?:shows?|showed|shown|proves?|proved)|"
    r"(?:completely|totally|perfectly|entirely|100%)\s+(?:safe|effective)|always\s+works|"
    r"works\s+every\s+time)"
    r"(?![\w%])",
    re.I,
)
_NOT_A_CLAIM = re.compile(r"\b(?:almost|nearly|not|would|could|might|may|to)\s+$", re.I)
# Associations are what these designs can show; a case report or series describes its cases.
_ASSOCIATION_DESIGNS = {DesignKind.cohort, DesignKind.case_control, DesignKind.cross_sectional}
_EXPERIMENT = re.compile(
    r"\b(?:experimental (?:study|design|model)|laboratory (?:study|experiment)|in vitro|ex vivo|"
    r"cultured)\b", re.I)
_DIAGNOSTIC = re.compile(r"diagnostic (?:test )?accuracy|\bsensitivity\b[^.]{0,80}\bspecificity\b",
                         re.I)
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


def _a_word(text: str, start: int, end: int) -> bool:
    """A word of running text, not part of a name ("STOP-BANG") or a compound ("CT-proven")."""
    word = text[start:end]
    if len(word) > 1 and word.isupper():
        return False
    return not (start > 0 and text[start - 1] in "-/") and text[end:end + 1] not in ("-", "/")


def causal_wording(text: str) -> list[re.Match[str]]:
    """Cause-and-effect wording in ``text`` that claims a finding: not a noun, not negated,
    hedged or an aim, not said of a test or method, not in a bracketed glossary explanation."""
    text = fold(text)
    explanations = explanation_spans(text)
    return [m for m in _CAUSAL.finditer(text)
            if _a_word(text, m.start(), m.end()) and not inside(explanations, *m.span())
            and not noun_use(text, *m.span()) and not negated(text, *m.span())
            and not hedged(text, m.start()) and not purpose_use(text, m.start())
            and not measurement_subject(text, m.start())]


def certainty_wording(text: str) -> list[re.Match[str]]:
    """Words of certainty in ``text`` ("proves", "definitely", "cures") used as claims."""
    text = fold(text)
    explanations = explanation_spans(text)
    return [m for m in _CERTAIN.finditer(text)
            if _a_word(text, m.start(), m.end()) and not inside(explanations, *m.span())
            and not _NOT_A_CLAIM.search(text[max(0, m.start() - 10):m.start()])
            and not noun_use(text, *m.span()) and not negated(text, *m.span())]


_BACKGROUND_LABEL = re.compile(
    r"(?:^|\n)\s*(?:BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE)\s*:\s*(.+?)"
    r"(?=\n\s*[A-Z][A-Z ,&/()-]{2,40}:|\Z)", re.S)


def _background(abstract: Abstract) -> str:
    """The abstract's background text, whitespace collapsed: what was known before the study."""
    parts = [s.text for s in abstract.sections if s.category == "background"]
    parts += [m.group(1) for m in _BACKGROUND_LABEL.finditer(fold(abstract.text))]
    return " ".join(" ".join(parts).split())


def _sentence_at(text: str, position: int) -> str:
    for start, end in sentence_spans(text):
        if start <= position < end:
            return " ".join(text[start:end].split())
    return ""


def _design_label(design: StudyDesign) -> str:
    return {
        DesignKind.cohort: "an observational (cohort) study",
        DesignKind.case_control: "an observational (case-control) study",
        DesignKind.cross_sectional: "an observational (cross-sectional) study",
    }.get(design.kind, "an observational study")


def _causal_findings(design: StudyDesign, sections: dict[str, str],
                     background: str) -> Iterator[Finding]:
    """Causal wording, except in a sentence the abstract's background states as known before
    this study (then the study's design does not bear on it)."""
    label = _design_label(design)
    for section, text in sections.items():
        for match in causal_wording(text):
            sentence = _sentence_at(text, match.start())
            if background and len(sentence) > 20 and sentence in background:
                continue
            yield Finding(
                check=NAME, code=CAUSAL, severity=Severity.warning, section=section,
                start=match.start(), end=match.end(),
                message=f"'{match.group()}' says one thing caused another; this is {label}, "
                        "which can show a link but not a cause.",
                suggestion="Use 'was linked to' or 'people who ... had more/less' instead.",
            )


def _certainty_findings(sections: dict[str, str]) -> Iterator[Finding]:
    for section, text in sections.items():
        for match in certainty_wording(text):
            yield Finding(
                check=NAME, code=CERTAINTY, severity=Severity.warning, section=section,
                start=match.start(), end=match.end(),
                message=f"'{match.group()}' claims a certainty that no single study gives.",
                suggestion="Say what the study found, e.g. 'in this study', 'suggests', "
                           "'was linked to', and how sure the evidence is.",
            )


def check_claims(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    design = detect_design(abstract)
    sections = {name: fold(text) for name, text in summary.sections().items()}
    findings: list[Finding] = []
    source = fold(abstract.text)
    if (design.kind in _ASSOCIATION_DESIGNS and not _DIAGNOSTIC.search(source)
            and not _EXPERIMENT.search(source)):
        findings.extend(_causal_findings(design, sections, _background(abstract)))
    findings.extend(_certainty_findings(sections))
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
                check=NAME, code=NON_HUMAN, severity=Severity.error, section=section,
                start=person.start(), end=person.end(),
                message=f"The study was in {where}, but the summary reads as if it was in people.",
                suggestion=f"Say plainly that the work was done in {where}, not in people.",
            )]
    return []
