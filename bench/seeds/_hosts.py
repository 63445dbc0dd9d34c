"""Real summaries to put seeded text into, and where in them (shared by EVAL's seed modules).

A host is a human summary or an offline draft from the evaluation set; the seeded sentence goes
in at a sentence boundary of one section, so the text around it is the data's own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from bench import evalset

_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def hosts(data_dir: Path, rng: random.Random) -> Iterator[evalset.Text]:
    """Human summaries and offline drafts, shuffled, then again, without end."""
    pool = [*evalset.human_texts(data_dir), *evalset.offline_texts(data_dir)]
    while True:
        order = pool[:]
        rng.shuffle(order)
        yield from order


def section_of(text: evalset.Text, rng: random.Random) -> str:
    if text.source == "human":
        return "what_was_found"
    return rng.choice(["what_was_found", "why_it_matters", "limitations"])


def insert(text: evalset.Text, section: str, addition: str, rng: random.Random,
           *, inline: bool = False) -> tuple[evalset.Text, int, int]:
    """``text`` with ``addition`` put into ``section`` at a sentence boundary (or, ``inline``,
    just before a sentence's final stop), and the addition's span there."""
    body = str(getattr(text.summary, section))
    if inline:
        stops = [m.start() for m in re.finditer(r"\.(?=\s|$)", body)] or [len(body)]
        at = rng.choice(stops)
        new = body[:at] + " " + addition + body[at:]
        start = at + 1
    else:
        cuts = [0] + [m.end() for m in _BOUNDARY.finditer(body)] + [len(body)]
        at = rng.choice(cuts)
        before, after = body[:at], body[at:]
        lead = "" if not before or before.endswith((" ", "\n")) else " "
        tail = "" if not after or after.startswith((" ", "\n")) else " "
        new = before + lead + addition + tail + after
        start = len(before) + len(lead)
    summary = text.summary.model_copy(update={section: new})
    return text.model_copy(update={"summary": summary}), start, start + len(addition)
