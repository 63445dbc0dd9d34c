"""Study design read off an abstract: what kind of study, and what that design cannot show.

Shared by the offline drafter (to explain limits in plain words) and the claims check (to flag
causal wording in observational or non-human studies), so both read the design the same way.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

from .models import Abstract


class DesignKind(StrEnum):
    randomised_trial = "randomised_trial"
    systematic_review = "systematic_review"
    cohort = "cohort"
    case_control = "case_control"
    cross_sectional = "cross_sectional"
    case_series = "case_series"
    animal = "animal"
    in_vitro = "in_vitro"
    unknown = "unknown"


OBSERVATIONAL = {
    DesignKind.cohort,
    DesignKind.case_control,
    DesignKind.cross_sectional,
    DesignKind.case_series,
}
NON_HUMAN = {DesignKind.animal, DesignKind.in_vitro}


class StudyDesign(BaseModel):
    kind: DesignKind = DesignKind.unknown
    retrospective: bool = False
    participants: int | None = None
    single_centre: bool = False
    duration_weeks: float | None = None

    @property
    def observational(self) -> bool:
        return self.kind in OBSERVATIONAL

    @property
    def non_human(self) -> bool:
        return self.kind in NON_HUMAN

    @property
    def small(self) -> bool:
        return self.participants is not None and self.participants < 100


_KIND_PATTERNS: list[tuple[DesignKind, re.Pattern[str]]] = [
    (DesignKind.systematic_review, re.compile(r"systematic review|meta-analys[ie]s|we included \d+ (?:studies|trials)", re.I)),
    (DesignKind.randomised_trial, re.compile(r"randomi[sz]ed|randomly assigned|placebo-controlled", re.I)),
    (DesignKind.in_vitro, re.compile(r"\bin vitro\b|cell lines?\b|cultured cells", re.I)),
    (DesignKind.animal, re.compile(r"\b(?:mice|mouse|rats?|murine|rodents?|zebrafish|primates)\b", re.I)),
    (DesignKind.case_control, re.compile(r"case-control|case control", re.I)),
    (DesignKind.cross_sectional, re.compile(r"cross-sectional|survey", re.I)),
    (DesignKind.case_series, re.compile(r"case series|case reports?\b", re.I)),
    (DesignKind.cohort, re.compile(r"cohort|retrospective|prospective|registry|observational|longitudinal", re.I)),
]
_PARTICIPANTS = re.compile(
    r"\b(\d{1,3}(?:,\d{3})*|\d+)\s+(?:\w+\s+){0,3}?(?:patients|participants|people|subjects|"
    r"individuals|adults|children|women|men|cases)\b",
    re.I,
)
_SINGLE_CENTRE = re.compile(r"single[- ](?:centre|center|site|institution)", re.I)


def detect_design(abstract: Abstract) -> StudyDesign:
    """Classify the study from its abstract with transparent keyword rules."""
    text = abstract.text
    kind = next((k for k, pattern in _KIND_PATTERNS if pattern.search(text)), DesignKind.unknown)
    counts = [int(m.group(1).replace(",", "")) for m in _PARTICIPANTS.finditer(text)]
    return StudyDesign(
        kind=kind,
        retrospective=bool(re.search(r"retrospective(?:ly)?", text, re.I)),
        participants=max(counts) if counts else None,
        single_centre=bool(_SINGLE_CENTRE.search(text)),
    )
