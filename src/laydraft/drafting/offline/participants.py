"""Who was studied and how many: a count copied from the abstract, or none at all.

A count is a number written right before a word for people ("212 adults", "379 participants",
"n = 1658"), never a year ("in 1997, people ..."), never the digits of a decimal or a
correlation ("r = 0.72"), never a share ("62% of patients"). For a trial or cohort, the count
comes from the sentence that says who took part; a subgroup ("131 of the 212 patients reported
...") is passed over for the whole. For a review, "N studies with M people", from the sentence
that says what was included; a review that names no total gets its number of studies only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ...text.design import DesignKind, StudyDesign
from .source import Line

_PEOPLE = (r"(?:patients|participants|people|persons|subjects|individuals|adults|children|"
           r"women|men|infants|neonates|babies|adolescents|volunteers|mothers|pregnant women|"
           r"residents|students|smokers|workers|survivors|caregivers|families|couples|"
           r"older adults|veterans)")
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)"
_COUNT = re.compile(
    r"(?<![\d.,=<>≥≤±/-])(?<!\d )" + _NUMBER +
    r"\s+(?:(?!of\b|in\b|and\b|or\b|to\b|with\b|from\b|per\b|studies\b|trials\b|rcts\b|were\b|"
    r"was\b|are\b|had\b|have\b|included\b|reported\b)[a-z][\w-]*\s+){0,2}?" + _PEOPLE + r"\b"
    r"|\b[nN]\s*=\s*" + _NUMBER + r"(?!\s*%)(?![\d.])",
)
_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_STUDIES = re.compile(
    r"(?<![\w-])(\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:" + _UNITS +
    r"))?|" + _UNITS + r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen)\s+(?:(?!of\b|these\b|those\b|were\b|was\b|are\b|is\b|had\b|have\b)"
    r"[\w-]+\s+){0,2}?(studies|trials|RCTs)\b",
    re.I,
)
_PART_OF = re.compile(r"\b(?:out of|(?<!total )of|of the|from)\s*$", re.I)
_WHOLE = re.compile(r"\b(?:included|enrolled|recruited|randomi[sz]ed|total|involving|involved|"
                    r"took part|participated|comprised|consisted|with|of|among|studied|"
                    r"analy[sz]ed|surveyed|assigned|allocated)\b", re.I)
_SUBGROUP = re.compile(r"\b(?:of (?:the|these|those)|of whom|among (?:the|them|these))\s*$", re.I)
_PER_GROUP = re.compile(r"\s+(?:for|in|on|with|taking|receiving)\s+[\w-]+(?:\s+[\w-]+)?,\s*"
                        r"(?:and\s+)?\d")
_LABEL_BEFORE = re.compile(r"\b(?:type|grade|stage|phase|class|group|day|week|month|year|level|"
                           r"step|arm|score|tier|wave|visit|cycle|round|part|category)\s*$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_RANGE_OR_SHARE = re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))\s*"
                            r"(?:to|-|–|and|or|in|out of)\s*$", re.I)


_PLAIN_NOUNS = {"participants": "people", "subjects": "people", "individuals": "people",
                "persons": "people"}


class Who(NamedTuple):
    """The count as written in the abstract, and the word for the people."""

    number: str
    noun: str
    studies: str | None = None


def _plausible(number: str, text: str, start: int) -> bool:
    value = int(number.replace(",", ""))
    if value < 2:
        return False
    if _YEAR.match(number) and "," not in number:
        return False
    before = text[max(0, start - 25):start]
    if _SUBGROUP.search(before) or re.search(r"\d\s*$", before):
        return False
    if _LABEL_BEFORE.search(before):
        return False  # "type 2 subjects", "stage 3 patients": a label, not a count
    return not _RANGE_OR_SHARE.search(before)  # "from 12 to 653 people", "1 in 3 people"


def _people_in(text: str) -> list[tuple[str, str, int]]:
    found = []
    for match in _COUNT.finditer(text):
        if not match.group(1):
            continue  # "n = 478" may count a subgroup, eyes or teeth: not said as people
        number, start = match.group(1), match.start(1)
        noun = match.group(0).split()[-1]
        if _PER_GROUP.match(text, match.end()):
            continue  # "296 participants for fluoxetine, 2036 for orlistat": one group's count
        if _plausible(number, text, start):
            found.append((number, noun, start))
    return found


def _studies_in(text: str) -> re.Match[str] | None:
    """The first number of studies that is not part of a larger number ("3 out of 16 studies")."""
    for match in _STUDIES.finditer(text):
        if not _PART_OF.search(text[max(0, match.start() - 12):match.start()]) and \
                not re.match(r"\s*(?:more|additional|new|further)\b",
                             text[match.end(1):match.end(1) + 12], re.I):
            return match
    return None


def who(lines: list[Line], design: StudyDesign) -> Who | None:
    """The whole sample of the study (or of the review), if the abstract states it."""
    candidates = [line for line in lines if line.part != "conclusions"][:10]
    review_like = any(_studies_in(x.text) and _people_in(x.text) for x in candidates[:3])
    if design.kind is DesignKind.systematic_review or review_like:
        for line in candidates:
            studies = _studies_in(line.text)
            people = _people_in(line.text)
            if studies and people and _WHOLE.search(line.text):
                number, noun, _ = people[0]
                return Who(number, noun, studies.group(0))
        for line in candidates:
            studies = _studies_in(line.text)
            if studies and re.search(r"\bincluded|met|eligible|identified\b", line.text, re.I):
                return Who("", "", studies.group(0))
        return None
    for line in candidates:
        people = _people_in(line.text)
        if people and _WHOLE.search(line.text):
            number, noun, _ = people[0]
            return Who(number, noun)
    return None


def sentence(found: Who | None, design: StudyDesign) -> str:
    """'The review included N studies with M people.' / 'The study included M adults.'"""
    review = design.kind is DesignKind.systematic_review
    if found is None:
        if review:
            return "This review brought together the results of earlier studies."
        if design.kind is DesignKind.animal:
            return "This study was done in animals, not in people."
        if design.kind is DesignKind.in_vitro:
            return "This study was done on cells in a lab, not in people."
        return ""
    noun = found.noun.lower() if found.noun else "people"
    noun = _PLAIN_NOUNS.get(noun, noun)
    if found.number in ("1",):
        noun = noun.rstrip("s")
    if found.studies:
        studies = found.studies[0].lower() + found.studies[1:] if not found.studies[:3].isupper() \
            else found.studies
        studies = re.sub(r"\b(?:included|eligible)\s+", "", studies)  # "included 33 included trials"
        studies = re.sub(r"\bRCTs\b", "trials", studies)
        studies = re.sub(r"\b(?:randomi[sz]ed|controlled)\s+", "", studies)
        if found.number:
            return f"The review included {studies} with {found.number} {noun} in all."
        return f"The review included {studies}."
    return f"The study included {found.number} {noun}."
