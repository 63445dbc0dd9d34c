"""Synthetic MS abstracts for benchmarks and test reading lists: varied, deterministic, valid.

Each record has a DOI, a title and a structured abstract whose numbers differ by index, so
every record has its own stable key and the offline drafter has results to summarise.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

DESIGNS = [
    ("a retrospective cohort study", "adults with relapsing-remitting multiple sclerosis"),
    ("a randomised controlled trial", "people with progressive multiple sclerosis"),
    ("a cross-sectional survey", "people living with multiple sclerosis in the community"),
    ("a prospective cohort study", "adults newly diagnosed with multiple sclerosis"),
]
EXPOSURES = ["poor sleep quality", "low vitamin D levels", "regular aerobic exercise",
             "smoking", "high daily screen time", "a Mediterranean-style diet"]
OUTCOMES = ["relapse rate", "fatigue scores", "walking speed", "depression symptoms",
            "new brain lesions on MRI", "quality of life scores"]


def abstract(i: int) -> dict[str, str]:
    rng = random.Random(i)
    design, people = DESIGNS[i % len(DESIGNS)]
    exposure = EXPOSURES[(i // 4) % len(EXPOSURES)]
    outcome = OUTCOMES[(i // 24) % len(OUTCOMES)]
    n = rng.randint(80, 2400)
    pct = rng.randint(18, 64)
    ratio = round(rng.uniform(1.15, 2.4), 2)
    years = rng.randint(2, 9)
    text = (
        f"BACKGROUND: Little is known about how {exposure} relates to {outcome} in multiple "
        f"sclerosis. OBJECTIVE: To examine the association between {exposure} and {outcome} "
        f"in {people}. METHODS: We conducted {design} of {n} {people} followed for {years} "
        f"years at two specialist centres. Exposure was assessed with validated "
        f"questionnaires and outcomes were recorded at each clinic visit. RESULTS: Of the {n} "
        f"participants, {pct}% reported {exposure}. Participants with {exposure} had higher "
        f"{outcome} than those without (rate ratio {ratio}, 95% CI 1.05 to {ratio + 0.6:.2f}). "
        f"The association remained after adjusting for age, sex and disease duration. "
        f"CONCLUSIONS: In this study, {exposure} was associated with worse {outcome}. These "
        f"findings suggest that {exposure} may be worth discussing in routine care, although "
        f"further studies are needed to confirm the link."
    )
    return {
        "title": f"{exposure.capitalize()} and {outcome} in multiple sclerosis ({i})",
        "abstract": text, "doi": f"10.5555/laydraft.bench.{i}",
        "journal": "Journal of Synthetic Neurology", "date": f"20{10 + i % 15}-0{1 + i % 9}-15",
    }


def records(count: int, start: int = 0) -> Iterator[dict[str, str]]:
    for i in range(start, start + count):
        yield abstract(i)


def write_jsonl(path: Path, count: int, bad_every: int = 0, start: int = 0) -> Path:
    """A JSONL reading list of records ``start`` onwards; ``bad_every`` > 0 adds a record with
    no abstract every N lines."""
    with path.open("w", encoding="utf-8") as fh:
        for i, record in enumerate(records(count, start)):
            if bad_every and i and i % bad_every == 0:
                fh.write(json.dumps({"title": f"A record with no abstract ({i})"}) + "\n")
            fh.write(json.dumps(record) + "\n")
    return path


if __name__ == "__main__":
    import sys

    write_jsonl(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
