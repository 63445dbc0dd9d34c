"""Seeded cause-and-effect wording, for the claims check.

- ``causal`` (finding): a sentence saying one thing caused another, put into the offline draft
  of an observational study (cohort, case-control, cross-sectional), which can show links only;
- ``causal-trial`` (silence): the same kind of sentence in the draft of a randomised trial,
  where saying what the treatment did is accurate;
- ``causal-hedged`` (silence): hedged or negated causal wording in an observational study
  ("may be linked to", "cannot show that ... caused"), which is what the check asks for.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from bench.evalset import Seed, Text, offline_raw_texts
from bench.seeds._insert import insert_sentence, pick

from laydraft.text.design import DesignKind, detect_design

# Observational studies of links between exposures and outcomes; not lab experiments or
# studies of a test's accuracy, which happen to be read as cohorts by the design rules.
_ASSOCIATION = {DesignKind.cohort, DesignKind.case_control, DesignKind.cross_sectional}
_NOT_ASSOCIATION = re.compile(
    r"diagnostic (?:test )?accuracy|\bsensitivity\b[^.]{0,80}\bspecificity\b|"
    r"\b(?:experimental (?:study|design|model)|laboratory (?:study|experiment)|in vitro|ex vivo|"
    r"cultured)\b", re.I)

EXPOSURES = [
    "Eating more fruit and vegetables", "Living near a busy road", "A higher vitamin D level",
    "Regular walking", "Taking the supplement", "Smoking during pregnancy", "Working night shifts",
    "Being overweight", "Long hours of screen time", "Drinking two cups of coffee a day",
    "Poor sleep", "Having a pet at home", "Using the mobile app", "Early retirement",
    "A diet high in salt", "Daily aspirin use", "Breastfeeding", "Loneliness",
]
OUTCOMES = [
    "fewer heart problems", "a higher chance of infection", "better memory in later life",
    "more hospital stays", "lower blood pressure", "more falls", "faster recovery",
    "a lower risk of diabetes", "worse school results", "fewer asthma attacks",
    "longer survival", "more depression", "better quality of life", "weight gain",
]
VERBS = [
    "caused", "causes", "led to", "leads to", "resulted in", "results in", "will lead to",
    "will cause", "is what caused", "directly caused", "was found to cause", "has been shown to cause",
]
PREVENTS = ["prevented", "prevents", "protected against", "protects against", "will prevent",
            "stops", "eliminated"]
HARMS = ["heart attacks", "dementia", "the infection", "early death", "stroke", "bone fractures",
         "type 2 diabetes", "hospital admission"]
HEDGED = [
    "{e} was linked to {o}, but this kind of study cannot show that it caused them.",
    "{e} may lead to {o}, but other things could explain the link.",
    "People who reported {el} had {o}; the study cannot tell us whether one caused the other.",
    "It is not known whether {el} causes {o}.",
    "{e} might help to prevent {h}, but this needs testing in a trial.",
]


OTHER_FORMS = [
    "{e} reduces the risk of {h}.",
    "{e} increases the risk of {h}.",
    "People in the study often reported {el}, which led to {o}.",
    "In this group, {h} was caused by {el}.",
    "Because of {el}, people in the study had {o}.",
]


def _causal_sentence(rng: random.Random) -> str:
    if rng.random() < 0.25:
        exposure, outcome, harm = pick(rng, EXPOSURES, OUTCOMES, HARMS)
        return rng.choice(OTHER_FORMS).format(
            e=exposure, el=exposure[0].lower() + exposure[1:], o=outcome, h=harm)
    if rng.random() < 0.6:
        exposure, verb, outcome = pick(rng, EXPOSURES, VERBS, OUTCOMES)
        lead = rng.choice(["", "This study shows that ", "The results show that ", "Overall, "])
        first = exposure if not lead else exposure[0].lower() + exposure[1:]
        return f"{lead}{first} {verb} {outcome}."
    exposure, verb, harm = pick(rng, EXPOSURES, PREVENTS, HARMS)
    return f"{exposure} {verb} {harm} in the people studied."


def _association(text: Text) -> bool:
    return (detect_design(text.abstract).kind in _ASSOCIATION
            and not _NOT_ASSOCIATION.search(text.abstract.text))


SILENT = 160  # look-alikes per silent family; a text may be drawn twice, each time with its own sentence


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    texts = offline_raw_texts(data_dir)
    observational = [t for t in texts if _association(t)]
    trials = [t for t in texts if detect_design(t.abstract).kind is DesignKind.randomised_trial]
    for text in observational * 2:
        yield insert_sentence(text, _causal_sentence(rng), family="causal", check="claims", rng=rng)
    for text in [rng.choice(trials) for _ in range(SILENT)]:
        yield insert_sentence(text, _causal_sentence(rng), family="causal-trial",
                              check="claims", expect="silence", rng=rng)
    for text in [rng.choice(observational) for _ in range(SILENT)]:
        exposure, outcome, harm = pick(rng, EXPOSURES, OUTCOMES, HARMS)
        sentence = rng.choice(HEDGED).format(e=exposure, el=exposure[0].lower() + exposure[1:],
                                             o=outcome, h=harm)
        yield insert_sentence(text, sentence, family="causal-hedged", check="claims",
                              expect="silence", rng=rng)
