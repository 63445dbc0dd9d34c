"""Putting one seeded sentence into a real summary, shared by the wording seed families
(causal, certainty, advice): a whole sentence of the generator's own wording goes in at a
sentence boundary of one section, and the seed points at it."""

from __future__ import annotations

import random

from bench.evalset import Seed, Text

from laydraft.text.sentences import sentence_spans


def insert_sentence(text: Text, sentence: str, *, family: str, check: str,
                    rng: random.Random, expect: str = "finding") -> Seed:
    """``text`` with ``sentence`` put in at a random sentence boundary of a non-empty section
    (``what_was_found`` for human summaries, which have only that one)."""
    sections = [name for name, body in text.summary.sections().items() if body.strip()]
    section = "what_was_found" if "what_was_found" in sections else sections[0]
    if text.source != "human" and rng.random() < 0.3:
        section = rng.choice(sections)
    body = str(getattr(text.summary, section))
    boundaries = [start for start, _ in sentence_spans(body)] + [len(body)]
    at = rng.choice(boundaries)
    if at == len(body):
        before, after = body.rstrip() + " ", ""
    else:
        before, after = body[:at], " " + body[at:]
    new = before + sentence + after
    start = len(before)
    return Seed(family=family, check=check, expect=expect,  # type: ignore[arg-type]
                text_id=text.text_id, abstract=text.abstract,
                summary=text.summary.model_copy(update={section: new}),
                section=section, start=start, end=start + len(sentence))


def pick(rng: random.Random, *choices: list[str]) -> list[str]:
    """One item from each list."""
    return [rng.choice(options) for options in choices]
