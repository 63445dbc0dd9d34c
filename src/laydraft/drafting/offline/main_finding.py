"""The main finding: which abstract sentences carry the result, and the headline made from one.

A sentence is ranked by what it says, not by how easy it is to read: an effect with its figure
("reduced the risk ... (risk ratio 0.73)") or a conclusion about the treatment or exposure
ranks high; hedges with no finding, trial registrations, funding lines, calls for more research
and statements about the quality of the studies never become the headline, and wait behind the
findings in *What was found*.
"""

from __future__ import annotations

import re

from ...models import count_words
from . import clauses
from .source import Line

_NOT_A_FINDING = re.compile(
    r"\b(?:registration|registered|registry number|clinicaltrials|NCT\d|ISRCTN|PROSPERO|"
    r"funded|funding|grant|sponsored|conflicts? of interest|"
    r"further (?:research|studies|trials|work|investigation)|more (?:research|studies|trials)|"
    r"future (?:research|studies|trials)|(?:research|studies|trials|work) (?:is|are|will be) "
    r"(?:needed|required|warranted)|should be (?:conducted|investigated|explored|studied|"
    r"evaluated|assessed|done|undertaken)|(?:is|are) needed|warrants? further|"
    r"remains? (?:unclear|unknown|to be)|(?:was|were) not (?:reported|assessed|measured)|"
    r"mechanisms?|no (?:trials|studies) (?:were|was) (?:found|identified|included)|"
    r"we (?:searched|identified \d)|search(?:ed)? |citations|risk of bias|quality of (?:the )?"
    r"(?:trials|studies|evidence) was|methodological|inclusion criteria|"
    r"this (?:review|study|trial) (?:aimed|sought)|quality of (?:the )?evidence|"
    r"(?:certainty|quality) (?:of|was|is)|downgraded|bias|blind(?:ed|ing)?|allocation|"
    r"concealment|intention[- ]to[- ]treat|new to this update|extractable data|"
    r"(?:was|were) (?:reported|measured|assessed|included|examined) (?:in|by)|reported no|"
    r"(?:studies|trials) (?:that|which) (?:included|reported|measured)|"
    # what was studied, not what was found: "Two trials ... were included", "the authors looked
    # at 29 trials", "The number of people in the treatment groups was 1364"
    r"(?:was|were) (?:included|compared|enrolled|recruited)|the number of (?:people|participants|"
    r"patients|women|children) in|(?:looked at|included|involving|identified|enrolled) (?:\w+ ){0,2}"
    r"(?:studies|trials|RCTs|people|participants|patients|women|children)|"
    r"randomi[sz]ed (?:individual|communities|clusters))\b",
    re.I,
)
_EFFECT = re.compile(
    r"\b(?:reduc\w+|increas\w+|improv\w+|lower\w*|higher|fewer|more (?:likely|people|women|"
    r"children|patients)|less (?:likely)?|decreas\w+|benefit\w*|effective|harm\w*|"
    r"associated|linked|difference|differ\w*|better|worse|prevent\w*|risk|odds|rates?|"
    r"survival|died|deaths?)\b",
    re.I,
)
_ADMIN = re.compile(r"\b(?:registration|registered|clinicaltrials|NCT\d|ISRCTN|PROSPERO|funded|"
                    r"funding|we searched|inclusion criteria)\b", re.I)
_INTERVAL = re.compile(r"\b95\s*%\s*(?:CI|confidence interval)", re.I)
_FIGURE = re.compile(r"\d")
_STATS = re.compile(r"\b(?:RR|OR|HR|MD|SMD|CI|risk ratio|odds ratio|hazard ratio|"
                    r"mean difference|p\s*[=<])", re.I)
_HEDGE_ONLY = re.compile(r"^(?:the )?(?:evidence|data|results|findings) (?:is|are|was|were) "
                         r"(?:insufficient|limited|inconclusive|lacking|scarce|sparse)\b", re.I)
_ABBREVIATION = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z0-9-]*\b|\b[a-z]+[A-Z][A-Za-z0-9-]*\b|"
                           r"\b[A-Z]+[0-9][A-Za-z0-9-]*\b")  # "PML", "mRNA", "B6"
# a headline is read first: "It did not affect ..." or "This difference ..." points at nothing
_BACK_REFERENCE = re.compile(r"^(?:it|its|this|these|that|those|they|their|such|both|neither|"
                             r"the (?:same|latter|former|other))\b", re.I)
_CONJUNCTION = re.compile(r"^(?:so(?! far)|and|but|yet|or|thus|therefore|hence|however|also)\b,?\s+",
                          re.I)


def is_finding(text: str) -> bool:
    return not _NOT_A_FINDING.search(text) and bool(_EFFECT.search(text))


def score(line: Line) -> float:
    """How much a sentence says about the main result (higher first)."""
    if not is_finding(line.text):
        return -1.0
    value = 1.0
    if _STATS.search(line.text):
        value += 2.0
    if line.part == "conclusions":
        value += 1.5
    if line.part == "results":
        value += 1.0
    value -= line.position * 0.02  # the primary outcome is reported first
    return value


def primary_result(lines: list[Line]) -> Line | None:
    """The first result sentence with an effect estimate, else the best-ranked result."""
    results = [line for line in lines if line.part != "background"
               and not _ADMIN.search(line.text) and _EFFECT.search(line.text)]
    for line in lines:
        if line.part != "background" and not _ADMIN.search(line.text) and \
                (clauses.loose_estimate(line.text) or _INTERVAL.search(line.text)):
            return line
    for line in results:
        if line.part == "results" and re.search(r"\d+(?:\.\d+)?\s*%", line.text):
            return line
    ranked = sorted((line for line in lines if line.part in ("results", "conclusions")),
                    key=lambda x: -score(x))
    return ranked[0] if ranked and score(ranked[0]) > 0 else None


def _unexplained_abbreviation(text: str, known: set[str]) -> bool:
    return any(m.group(0) not in known for m in _ABBREVIATION.finditer(text))


def headline(lines: list[Line], prepare: Prepare, max_words: int,
             known: set[str]) -> str | None:
    """The conclusion (else result) that states the main finding, as one plain sentence.

    Conclusions come first: they say the finding in words; results follow. A candidate must
    stand alone, fit the headline's length, carry no figure (the figure goes in *What was
    found*) and no abbreviation a reader was not told.
    """
    pools = [[x for x in lines if x.part == "conclusions"], [x for x in lines if x.part == "results"]]
    fallback: str | None = None
    for pool in pools:
        ranked = sorted(pool, key=lambda x: (-score(x), x.position))
        for line in ranked:
            if score(line) <= 0:
                continue
            for piece in clauses.pieces(line.text):
                piece = prepare(piece)
                words = count_words(piece)
                if not 5 <= words <= max_words or _HEDGE_ONLY.match(piece):
                    continue
                if not clauses.stands_alone(piece) or _BACK_REFERENCE.match(piece):
                    continue
                if _unexplained_abbreviation(piece, known):
                    continue
                if _FIGURE.search(piece):
                    fallback = fallback or piece
                    continue
                return piece
    if fallback is None:  # no sentence reads as a finding: the first result that stands alone
        for line in pools[1] + pools[0]:
            if _NOT_A_FINDING.search(line.text):
                continue
            for piece in clauses.pieces(line.text):
                piece = prepare(piece)
                if 5 <= count_words(piece) <= max_words and not _BACK_REFERENCE.match(piece) \
                        and not _unexplained_abbreviation(piece, known):
                    return piece
    return fallback


class Prepare:
    """Plain wording for one abstract: abbreviations written out, then the word swaps."""

    def __init__(self, defined: dict[str, str], swaps: dict[str, str] | None = None) -> None:
        from . import wording

        self.defined = defined
        self.swaps = swaps or {}
        self._wording = wording

    def __call__(self, piece: str) -> str:
        text = self._wording.swap(self._wording.expand(piece, self.defined), self.swaps)
        text = self._wording.plain(text)
        text = _CONJUNCTION.sub("", text)  # a sentence of its own needs no link to the last
        return text[0].upper() + text[1:] if text else text
