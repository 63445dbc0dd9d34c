"""*What was found*, *Why it matters* and *Limitations*, mostly in the abstract's own words.

Template wording is kept short and rare (the issue allows a fifth of a draft): one sentence on
who was studied, one on the design's main limit, one on how sure the evidence is. The rest is
the abstract's results, conclusions and stated limits, cleaned by ``clauses`` and ``wording``.
The audience named in the settings is mentioned only when the abstract is about its condition.
"""

from __future__ import annotations

import re

from ...models import count_words
from ...text.design import DesignKind, StudyDesign
from . import clauses
from .main_finding import Prepare, score
from .source import Line

_STATED_LIMIT = re.compile(
    r"\b(?:limitations?|limited by|small (?:number|sample|studies|trials|size)|few (?:studies|"
    r"trials|participants|data)|risk of bias|bias|(?:low|poor|very low|moderate)[- ](?:quality|"
    r"certainty)|uncertain\w*|heterogene\w+|short follow-up|imprecis\w+|not (?:blinded|"
    r"randomi[sz]ed)|underpowered|confound\w*|insufficient|inconclusive|caution|"
    r"(?:research|studies|trials) (?:is|are) needed|further (?:research|studies|trials))\b",
    re.I,
)
# how sure the authors are, read only where it grades evidence ("low-certainty evidence",
# "the quality of the evidence was low"), never "a lack of high-quality studies"
_GRADE = re.compile(
    r"\b(very low|low|moderate|high)[- ](?:quality|certainty) (?:of )?evidence\b|"
    r"\b(?:quality|certainty) of (?:the )?evidence (?:was|is|were) (?:\w+ ){0,3}?"
    r"(very low|low|moderate|high)\b|"
    r"\((very low|low|moderate|high)[- ](?:quality|certainty)(?: evidence)?\)",
    re.I,
)
_GRADE_WORDS = {
    "high": "The authors judged the evidence to be of high certainty.",
    "moderate": "The authors judged the evidence to be of moderate certainty.",
    "low": "The evidence is uncertain.",
    "very low": "The evidence is very uncertain.",
}
_PROJECTION = re.compile(r"\b\d[\d,]*\s+\w+\s+(?:will|would)\b")  # "144 patients will ..."
_AUDIENCE_FILLER = {"people", "living", "with", "and", "their", "caregivers", "families",
                    "carers", "patients", "the", "of", "for", "who", "have", "those"}


def _grade(text: str) -> float:
    """Coleman-Liau grade: letters per word and words per sentence; cheap, for ranking only."""
    words = count_words(text)
    if not words:
        return 0.0
    letters = sum(ch.isalpha() for ch in text)
    return 0.0588 * (100 * letters / words) - 0.296 * (100 / words) - 15.8


def _fit(sentences: list[str], max_words: int) -> list[str]:
    kept: list[str] = []
    total = 0
    for sentence in sentences:
        words = count_words(sentence)
        if words and total + words <= max_words and sentence not in kept:
            kept.append(sentence)
            total += words
    return kept


def _same(a: str, b: str) -> bool:
    words_a = set(re.findall(r"[a-z]{4,}", a.lower()))
    words_b = set(re.findall(r"[a-z]{4,}", b.lower()))
    return bool(words_a) and len(words_a & words_b) >= 0.6 * min(len(words_a), len(words_b))


def what_was_found(lines: list[Line], primary: Line | None, who: str, prepare: Prepare,
                   headline: str, max_words: int) -> list[str]:
    """Who took part, the main result with its figure, then the other findings in order."""
    first: list[str] = []
    if primary is not None:  # the main result opens the section, with its figure
        first = [prepare(p) for p in clauses.with_figure(primary.text, clauses.MAX_WORDS + 16)]
    chosen: list[tuple[int, str]] = []
    others = [(line.position, prepare(piece)) for line in lines
              if line.part == "results" and line is not primary and score(line) > 0
              for piece in clauses.pieces(line.text, True)
              if not _PROJECTION.search(piece)]
    budget = max_words - count_words(who) - sum(count_words(p) for p in first)
    for index, piece in sorted(others, key=lambda x: (_grade(x[1]), x[0])):
        words = count_words(piece)
        if words <= budget and not _same(piece, headline) and \
                not any(_same(piece, f) for f in first):
            chosen.append((index, piece))
            budget -= words
    ordered = first + [piece for _, piece in sorted(chosen, key=lambda x: x[0])]
    if not ordered:  # no result sentence stands alone: the best ones, as whole sentences
        ordered = [prepare(p) for x in lines if x.part in ("results", "conclusions")
                   for p in clauses.pieces(x.text)][:3]
    if not ordered and not who:
        ordered = ["The abstract does not state its results in a way this drafter can use."]
    return _fit([s for s in [who, *ordered] if s], max_words)


def _audience_line(audience: str, abstract_text: str) -> str | None:
    words = [w for w in re.findall(r"[a-z]+", audience.lower()) if w not in _AUDIENCE_FILLER]
    text = abstract_text.lower()
    if words and all(w in text for w in words):
        return f"This may interest {audience}."
    return None


def why_it_matters(lines: list[Line], prepare: Prepare, headline: str, audience: str,
                   abstract_text: str, max_words: int, used: list[str]) -> list[str]:
    """The abstract's own conclusions, except the one the headline already says."""
    out: list[str] = []
    line = _audience_line(audience, abstract_text)
    if line:
        out.append(line)
    background = [x for x in lines if x.part == "background"
                  and not re.match(r"(?:to|we|this|the aim|our)\b", x.text, re.I)][:1]
    for line_ in background:  # why the question was asked
        out += [prepare(p) for p in clauses.pieces(line_.text)][:1]
    conclusions = [x for x in lines if x.part == "conclusions"]
    if not conclusions:
        conclusions = [x for x in lines if x.part == "results"][-2:]
    for line_ in conclusions:
        for piece in clauses.pieces(line_.text):
            piece = prepare(piece)
            if not _same(piece, headline) and not any(_same(piece, u) for u in used):
                out.append(piece)
    if count_words(" ".join(out)) < 12:
        out.append("It is one piece of evidence to discuss with a care team, not a reason on "
                   "its own to change treatment.")
    return _fit(out, max_words)


def limitations(lines: list[Line], design: StudyDesign, prepare: Prepare, max_words: int,
                used: list[str]) -> list[str]:
    """The design's main limit, how sure the evidence is, and the limits the abstract states."""
    out: list[str] = []
    if design.kind is DesignKind.systematic_review:
        out.append("A review is only as good as the studies in it.")
    elif design.kind is DesignKind.animal:
        out.append("The work was done in animals. Results in animals often do not hold in people.")
    elif design.kind is DesignKind.in_vitro:
        out.append("The work was done on cells in a lab. Results in cells often do not hold in "
                   "people.")
    elif design.observational:
        out.append("This kind of study can show that things go together; it cannot show cause "
                   "and effect.")
    if design.retrospective and design.kind is not DesignKind.systematic_review:
        out.append("The team looked back at past records, so some facts may be missing.")
    if design.small and design.kind is not DesignKind.systematic_review:
        out.append("The study was small.")
    if design.single_centre and design.kind is not DesignKind.systematic_review:
        out.append("Everyone came from a single clinic, so results may differ elsewhere.")
    grades = [next(g for g in m.groups() if g).lower()
              for x in lines for m in _GRADE.finditer(x.text)]
    if grades:
        worst = min(grades, key=["very low", "low", "moderate", "high"].index)
        out.append(_GRADE_WORDS[worst])
    for line in lines:
        if line.part == "background" or not _STATED_LIMIT.search(line.text):
            continue
        for piece in clauses.pieces(line.text):
            piece = prepare(piece)
            if not any(_same(piece, u) for u in used) and _STATED_LIMIT.search(piece):
                out.append(piece)
    if count_words(" ".join(out)) < 10:
        out.append("This summary is based on the abstract alone; the full paper may add "
                   "details that matter.")
    return _fit(out, max_words)
