"""Study design read off an abstract: what kind of study, and what that design cannot show.

Shared by the offline drafter (to explain limits in plain words) and the claims check (to flag
causal wording in observational or non-human studies), so both read the design the same way.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel

from ..models import Abstract
from .normalise import for_reading


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

    @property
    def main_limits(self) -> list[str]:
        """Names of the limits a summary of this design should explain to readers."""
        names = []
        if self.retrospective:
            names.append("retrospective")
        if self.observational:
            names.append("observational")
        if self.kind is DesignKind.animal:
            names.append("animal")
        if self.kind is DesignKind.in_vitro:
            names.append("in_vitro")
        if self.small:
            names.append("small")
        if self.single_centre:
            names.append("single_centre")
        return names


# The kind, centre and record patterns are matched against the lower-cased text (written in
# lower case, without re.I: several times faster than re.I on a whole abstract).
_KIND_PATTERNS: list[tuple[DesignKind, re.Pattern[str]]] = [
    (DesignKind.systematic_review, re.compile(
        r"systematic(?:al)? review|meta-?analys[ie]s|pooled analysis of \w+ (?:studies|trials)|"
        r"we included \w+ (?:studies|trials|rcts)|(?:studies|trials) (?:were|was) included|"
        r"(?<=\w )(?:studies|trials|rcts)\b[^.]{0,80}\bwere (?:included|identified|eligible)")),
    (DesignKind.randomised_trial, re.compile(
        r"randomi[sz]ed|randomly (?:assigned|allocated)|placebo-controlled|\brct\b")),
    (DesignKind.in_vitro, re.compile(
        r"\bin vitro\b|cell lines?\b|cultured (?:cells|neurons)|organoids?\b")),
    (DesignKind.animal, re.compile(
        r"\b(?:mice|mouse|rats?|murine|rodents?|zebrafish|primates|macaques?|rabbits|"
        r"piglets|canine|porcine|in vivo|animal models?)\b")),
    (DesignKind.case_control, re.compile(r"case[- ]control")),
    (DesignKind.cross_sectional, re.compile(r"cross[- ]sectional|survey|questionnaire study")),
    (DesignKind.case_series, re.compile(r"case series|case reports?\b|we (?:report|describe) "
                                        r"(?:a|an|one|two|three) (?:patients?|cases?)")),
    (DesignKind.cohort, re.compile(
        r"cohort|retrospective|prospective|registry|observational|longitudinal|"
        r"follow-up study|medical records|chart review")),
]
_HUMAN = re.compile(r"\b(?:patients|participants|people|volunteers|women|men|children|adults|"
                    r"persons|individuals)\b")
_PARTICIPANTS = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+"
    r"(?:(?!\d|(?:days?|weeks?|months?|years?|of|in|and|or)\b)[\w-]+\s+){0,3}?"
    r"(?:patients|participants|people|"
    r"subjects|individuals|adults|children|women|men|cases|infants|volunteers)\b"
    r"|\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)",
    re.I,
)
_SINGLE_CENTRE = re.compile(
    r"single[- ](?:centre|center|site|institution|hospital|clinic)|"
    r"\b(?:one|a single|our) (?:tertiary |university |academic )?"
    r"(?:centre|center|hospital|clinic|institution)\b",
)
_RETROSPECTIVE = re.compile(
    r"retrospective(?:ly)?|chart review|review of (?:medical |clinical |patient )?records|"
    r"(?:medical|clinical|health) records (?:were|of)",
)
_DURATION = re.compile(
    r"(?:follow(?:ed)?[- ]up|for|over|during|lasting|period of|duration of)\s+(?:a\s+)?"
    r"(?:median\s+|mean\s+|up to\s+|of\s+)*(\d+(?:\.\d+)?)\s*(days?|weeks?|months?|years?)\b",
    re.I,
)
_WEEKS = {"day": 1 / 7, "week": 1.0, "month": 52.1775 / 12, "year": 52.1775}


def _kind(text: str) -> DesignKind:
    """The kind of study, from the lower-cased text."""
    kinds = [k for k, pattern in _KIND_PATTERNS if pattern.search(text)]
    if not kinds:
        return DesignKind.unknown
    animal_only = DesignKind.animal in kinds and not _HUMAN.search(text)
    if animal_only and kinds[0] in (DesignKind.randomised_trial, DesignKind.cohort):
        return DesignKind.animal  # "mice were randomly assigned" is still an animal study
    return kinds[0]


def _participants(text: str) -> int | None:
    counts = [int((m.group(1) or m.group(2)).replace(",", "")) for m in _PARTICIPANTS.finditer(text)]
    return max(counts) if counts else None


def _duration_weeks(text: str) -> float | None:
    spans = [float(m.group(1)) * _WEEKS[m.group(2).lower().rstrip("s")]
             for m in _DURATION.finditer(text)]
    return round(max(spans), 1) if spans else None


@lru_cache(maxsize=256)
def _detect(text: str) -> StudyDesign:
    lowered = text.lower()
    return StudyDesign(
        kind=_kind(lowered),
        retrospective=bool(_RETROSPECTIVE.search(lowered)),
        participants=_participants(text),
        single_centre=bool(_SINGLE_CENTRE.search(lowered)),
        duration_weeks=_duration_weeks(text),
    )


def detect_design(abstract: Abstract) -> StudyDesign:
    """Classify the study from its abstract with transparent keyword rules (cached by text);
    "case\u2010control" reads as "case-control"."""
    return _detect(for_reading(abstract.text)).model_copy()
