"""Seeded certainty wording, for the claims check (family ``certainty``, any design).

A sentence claiming proof, a cure or a sure result ("This proves that ...", "... is a cure
for ...", "will definitely ...") put into human summaries and offline drafts; and, as
``certainty-hedged`` (silence), wording that only looks alike ("has not been proven", "we
cannot be certain", "may prove useful", "cure rates were similar").
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from bench.evalset import Seed, human_texts, offline_raw_texts, offline_texts
from bench.seeds._insert import insert_sentence, pick

TREATMENTS = [
    "the new medicine", "this exercise programme", "the skin cream", "the vaccine",
    "talking therapy", "the nasal spray", "acupuncture", "the diet plan", "the eye drops",
    "the herbal remedy", "the physiotherapy sessions", "the nicotine patch",
]
CONDITIONS = [
    "back pain", "asthma", "the infection", "memory loss", "migraine", "eczema", "low mood",
    "high blood pressure", "joint pain", "sleep problems", "hay fever", "tinnitus",
]
TEMPLATES = [
    "This proves that {t} works for {c}.",
    "The results prove that {t} helps people with {c}.",
    "{T} eased {c}, which proves the treatment works.",
    "{T} is a cure for {c}.",
    "{T} cures {c} in most people.",
    "{T} will cure {c}.",
    "It is now proven that {t} helps with {c}.",
    "{T} has been proven to work for {c}.",
    "{T} will definitely help people with {c}.",
    "We can say for certain that {t} definitely reduces {c}.",
    "{T} is guaranteed to improve {c}.",
    "These findings are proof that {t} works.",
    "{T} certainly improves {c}.",
    "{T} can cure {c}.",
    "{T} is completely safe for people with {c}.",
    "{T} helps with {c}, without a doubt.",
    "{T} always works for {c}.",
    "There is no doubt that {t} eases {c}.",
]
LOOKALIKES = [
    "The benefit of {t} for {c} has not been proven.",
    "We cannot be certain that {t} helps with {c}.",
    "{T} may prove useful for people with {c}, but more studies are needed.",
    "Cure rates for {c} were similar with and without {t}.",
    "There is no cure for {c} at present, so {t} aims to ease symptoms.",
    "It is still unclear whether {t} definitely helps with {c}.",
]


def _fill(template: str, rng: random.Random) -> str:
    treatment, condition = pick(rng, TREATMENTS, CONDITIONS)
    return template.format(t=treatment, T=treatment[0].upper() + treatment[1:], c=condition)


SILENT = 160  # look-alikes per silent family; a text may be drawn twice, each time with its own sentence


def seeds(data_dir: Path, rng: random.Random) -> Iterator[Seed]:
    texts = [*rng.sample(human_texts(data_dir), 90), *rng.sample(offline_texts(data_dir), 45),
             *rng.sample(offline_raw_texts(data_dir), 45)]
    for index, text in enumerate(texts):
        sentence = _fill(TEMPLATES[index % len(TEMPLATES)], rng)
        yield insert_sentence(text, sentence, family="certainty", check="claims", rng=rng)
    for text in [rng.choice(texts) for _ in range(SILENT)]:
        yield insert_sentence(text, _fill(rng.choice(LOOKALIKES), rng), family="certainty-hedged",
                              check="claims", expect="silence", rng=rng)
