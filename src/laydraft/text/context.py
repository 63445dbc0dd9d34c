"""The context of a word in its sentence, for the wording checks (claims, advice).

A word list alone cannot tell "this causes harm" from "death from any cause", "you should stop
taking it" from "some people stop taking it because of side effects", or a claim from the
drafter's own bracketed explanation "(causing swelling and irritation)". These helpers read the
words around a match, within its clause, with plain rules a reviewer can follow:

- ``clause_before``: the words from the start of the clause up to a position;
- ``negated``: a negation or an open question governs the word ("did not show that it
  causes", "unclear whether", "no evidence that");
- ``hedged``: a modal or hedge stands just before it ("may lead to", "appeared to prevent",
  "suggesting that ... is causing");
- ``noun_use``: "cause"/"causes" used as a noun ("any cause", "the causes of");
- ``purpose_use``: an infinitive of purpose or a gerund after a preposition ("measures to
  prevent", "effective in preventing"), which name an aim, not a result;
- ``measurement_subject``: the clause's subject is a test or a measuring method ("the use of
  CD138 staining resulted in more diagnoses"): what a method detects is its own doing;
- ``imperative``: the word opens its clause, so it is addressed to the reader ("Stop taking",
  "If you feel tired, stop taking");
- ``explanation_spans``: brackets holding one of the glossary's curated explanations, the
  drafter's own words, which no wording check should read as a claim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .glossary import glossary
from .normalise import fold

_CLAUSE_START = re.compile(r"[.!?;:]\s+|[.!?;:]$|\n|\(|\)|\s[—–-]\s|^")
_NEGATION = re.compile(
    r"\b(?:not|no|cannot|can't|never|nor|neither|unclear|unknown|uncertain|whether|if|"
    r"insufficient|unable|lack of|without|failed to|fail to|too few|yet to|"
    r"(?:belief|tenet|myth|idea|notion|assumption|misconception)s?\s+that)\b|n't\b",
    re.I,
)
_NEGATION_AFTER = re.compile(r"^\s+(?:\w+\s+)?(?:no|none|neither|nothing)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:may|might|could|can|would|possibly|probably|likely|perhaps|appears?|appeared|seems?|"
    r"seemed|suggest(?:s|ed|ing)?|thought|believed|hypothesi[sz]ed|potentially)\b"
    r"(?:\s+(?:to|that|also|not|have|be|been|in\s+part|partly))*"
    r"(?:\s+\w+){0,2}\s*$",
    re.I,
)
_SUGGESTION = re.compile(
    r"\b(?:suggest\w*|indicat\w+|hypothes\w+|speculate\w*)\s+that\b|"
    r"\b(?:limited|weak|low|little|some|uncertain|insufficient|inconclusive)\b[^.;]{0,30}"
    r"\bevidence\s+(?:that|to)\b",
    re.I,
)
_DETERMINER = re.compile(
    r"\b(?:a|an|the|any|its|their|his|her|our|possible|main|common|other|all|underlying|root|"
    r"leading|known|unknown|specific|single|one|no|major|likely|probable|primary|frequent|"
    r"rare|usual|actual|real|true|exact|different|many|several|these|those|this|that)\s+$",
    re.I,
)
_CLAIM_RAISER = re.compile(
    r"\b(?:shown|found|proven|proved|known|said|reported|demonstrated|able|certain|sure)\s+to\s+$",
    re.I,
)
_INFINITIVE = re.compile(r"\bto\s+$", re.I)
_PREPOSITION = re.compile(r"\b(?:for|in|of|at|on|about|by|from|with|without|into|towards?)\s+$",
                          re.I)
_OPENER = re.compile(
    r"^[\"'‘“]?(?:(?:so|then|please|therefore|thus|now|and|instead|also|first|finally)\b,?\s*)*$"
    r"|^(?:if|when|whenever|before|after|unless|once|while|until|as soon as)\b[^,]*,\s*"
    r"(?:(?:so|then|please)\b,?\s*)*$",
    re.I,
)


def clause_before(text: str, position: int) -> str:
    """The text from the start of the clause holding ``position`` up to it."""
    start = 0
    for match in _CLAUSE_START.finditer(text, 0, position):
        if match.end() <= position:
            start = match.end()
    return text[start:position]


def negated(text: str, start: int, end: int) -> bool:
    """A negation or open question governs the words at ``text[start:end]``."""
    before = clause_before(text, start)
    return bool(_NEGATION.search(before) or _NEGATION_AFTER.match(text[end:end + 30]))


def hedged(text: str, start: int) -> bool:
    """A hedge ("may", "appeared to", "suggesting that") stands before ``text[start:]``."""
    before = clause_before(text, start)
    return bool(_HEDGE.search(before) or _SUGGESTION.search(before))


def noun_use(text: str, start: int, end: int) -> bool:
    """The word at ``text[start:end]`` is used as a noun: after a determiner or before "of"."""
    word = text[start:end].lower()
    if word not in ("cause", "causes", "cure", "cures", "proof"):
        return False
    after = text[end:end + 20].lower()
    if re.match(r"\s+(?:of|and effect|for|behind|is|are|was|were)\b", after):
        return word not in ("cure", "cures") or not after.lstrip().startswith("for")
    return bool(_DETERMINER.search(text[max(0, start - 20):start]))


def purpose_use(text: str, start: int) -> bool:
    """An infinitive of purpose ("measures to prevent") or a gerund after a preposition
    ("effective in preventing"): the words name an aim or a topic, not a finding."""
    before = text[max(0, start - 30):start]
    if _INFINITIVE.search(before):
        return not _CLAIM_RAISER.search(before)
    return bool(_PREPOSITION.search(before))


_METHOD = re.compile(
    r"\b(?:tests?|testing|stain(?:s|ing)?|assays?|scans?|scanning|screening|imaging|methods?|"
    r"techniques?|measurements?|questionnaires?|scores?|criteria)\b", re.I)


def measurement_subject(text: str, start: int) -> bool:
    """The clause before ``start`` names a test or measuring method as its subject."""
    return bool(_METHOD.search(clause_before(text, start)))


def imperative(text: str, start: int) -> bool:
    """The words at ``start`` open their clause (after "So", "Please", or a fronted "If ...,"),
    so they tell the reader to do something."""
    return bool(_OPENER.match(clause_before(text, start).strip()))


@lru_cache(maxsize=1)
def _explanations() -> re.Pattern[str]:
    words = {*glossary().terms.values(), *glossary().abbreviations.values()}
    alternatives = "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\((?:{alternatives})\)", re.I)


def explanation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each bracket holding a curated glossary explanation."""
    return [m.span() for m in _explanations().finditer(text)]


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)
