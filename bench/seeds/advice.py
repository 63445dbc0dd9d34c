"""Seeded advice to readers, for the advice check.

- ``advice`` (finding): a sentence telling readers to stop, start, switch or re-dose a
  treatment, or what to ask for or avoid, put into human summaries and offline drafts;
- ``advice-pointer`` (silence): what the style asks for instead: pointing readers to their care
  team ("talk with your doctor", "people should ask their doctor about ..."), and described
  behaviour ("some people stopped taking it because of side effects").
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from bench.evalset import Seed, human_texts, offline_raw_texts, offline_texts
from bench.seeds._insert import insert_sentence, pick

MEDICINES = [
    "your blood pressure tablets", "the steroid inhaler", "your painkillers", "the statin",
    "your antidepressant", "the iron supplement", "your insulin", "the antibiotic cream",
    "your sleeping pills", "the anti-sickness medicine", "your water tablets", "the nasal spray",
]
ALTERNATIVES = [
    "the newer drug", "a herbal remedy", "the cheaper brand", "a low-dose version",
    "the injection", "the patch instead", "the once-a-day tablet",
]
WHEN = [
    "you feel dizzy", "your symptoms improve", "you have side effects", "you are pregnant",
    "the weather turns cold", "you feel better", "you are over 65",
]
TESTS = ["a brain scan", "a blood test every month", "the genetic test", "an MRI scan",
         "a referral to a specialist", "the new vaccine"]
TEMPLATES = [
    "You should stop taking {m}.",
    "Stop taking {m} if {w}.",
    "If {w}, switch to {a}.",
    "People with this condition should switch to {a}.",
    "Start taking {m} as soon as {w}.",
    "Increase your dose of {m} when {w}.",
    "You should reduce your dose of {m}.",
    "Patients should stop using {m} and try {a}.",
    "So, change to {a} if {w}.",
    "Skip your evening dose of {m} if {w}.",
    "Ask your doctor for {x}.",
    "Do not take {m} if {w}.",
    "Keep taking {m} even if {w}.",
    "You must avoid {m} if {w}.",
    "Try taking {m} with food if {w}.",
    "Please insist on {x}.",
    "We recommend that people like those in the study switch to {a}.",
    "It is best to stop taking {m} if {w}.",
    "Anyone who takes {m} should start using {a}.",
    "If {w}, it would be wise to come off {m}.",
    "Readers who take {m} need to double their dose of it.",
]
POINTERS = [
    "Talk with your doctor or care team about what this means for you.",
    "People who take {m} should ask their doctor about these results.",
    "If {w}, speak to your pharmacist before making any change.",
    "Some people stopped taking {m} because of side effects.",
    "This does not mean that anyone should stop taking {m}.",
    "The study did not take into account how long people had used {m}.",
    "There was no change to the number of people using {m}.",
]


def _fill(template: str, rng: random.Random) -> str:
    medicine, alternative, when, test = pick(rng, MEDICINES, ALTERNATIVES, WHEN, TESTS)
    return template.format(m=medicine, a=alternative, w=when, x=test)


SILENT = 160  # look-alikes per silent family; a text may be drawn twice, each time with its own sentence


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    texts = [*rng.sample(human_texts(data_dir), 90), *rng.sample(offline_texts(data_dir), 45),
             *rng.sample(offline_raw_texts(data_dir), 45)]
    for index, text in enumerate(texts):
        sentence = _fill(TEMPLATES[index % len(TEMPLATES)], rng)
        yield insert_sentence(text, sentence, family="advice", check="advice", rng=rng)
    for text in [rng.choice(texts) for _ in range(SILENT)]:
        yield insert_sentence(text, _fill(rng.choice(POINTERS), rng), family="advice-pointer",
                              check="advice", expect="silence", rng=rng)
