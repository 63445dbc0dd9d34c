"""The numbers check on human summaries: its false positives and strict altered-figure detection.

- false-positive rate: the share of human summaries (which paraphrase and round) that get an
  untraceable-number error, split in two parts that add up to it: summaries whose every
  flagged figure is *written* in the abstract (each number in it occurs there as a number, in
  digits or words, whatever it measures: candidate paraphrase misses of the check), and
  summaries citing at least one figure *not written* in the abstract in any form (the dataset
  cut the abstracts to "Main results", so search dates, ages, durations and study counts of
  the full review are absent). The labelled findings (``bench/labels/numbers.jsonl``, kinds
  "absent" / "paraphrase") give the same split read by a person, on a sample;
- strict detection: in each human summary containing a digit figure, one figure is altered (a
  percentage shifted by 10 to 25 points, any other number one digit changed) and an error must
  point at the altered figure itself. ``rounds`` rounds alter each summary afresh, for seeds
  ``seed``, ``seed + 1``...: one round of ~750 alterations moves by a point or more from seed to
  seed. Each pair draws from its own generator seeded by the round's seed and the pair's
  position, so a change to one pair's figures does not reshuffle the alterations of the others.

Only numbers-check errors count here: the human text is fed as ``what_was_found`` of a summary
whose other fields are empty, and no other check runs.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from evalset import as_summary
from pydantic import BaseModel

from laydraft.checks.numbers import check_numbers
from laydraft.models import Abstract, Severity
from laydraft.text.numbers import NumberMention, dimension, extract_numbers

ROUNDS = 10
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")


class Pair(BaseModel):
    abstract: str
    lay_summary: str


def load_pairs(data_dir: Path) -> list[Pair]:
    path = data_dir / "cochrane_pairs.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [Pair.model_validate_json(line) for line in handle if line.strip()]


def number_errors(abstract: str, text: str) -> list[tuple[int, int]]:
    findings = check_numbers(Abstract(text=abstract), as_summary(text))
    return [(f.start or 0, f.end or 0) for f in findings
            if f.severity is Severity.error and f.section == "what_was_found"]


def flagged(abstract: str, text: str) -> list[NumberMention]:
    """The figures of ``text`` that ``number_errors`` reports, as mentions."""
    spans = set(number_errors(abstract, text))
    return [m for m in extract_numbers(text) if (m.start, m.end) in spans]


# --- what an abstract writes, for the decomposition -----------------------------------------

def _key(value: float) -> float:
    return round(value, 6)


def written_numbers(mention: NumberMention) -> set[float]:
    """The numbers a mention writes: its digit groups, else (spelled out) its values."""
    digits = {_key(float(d.replace(",", ""))) for d in _DIGITS.findall(mention.text)}
    return digits or {_key(v) for v in mention.values}


def abstract_numbers(abstract: str) -> dict[float, set[str | None]]:
    """Every number written in the abstract, with what it measures there."""
    found: dict[float, set[str | None]] = {}
    for mention in extract_numbers(abstract):
        for value in written_numbers(mention) | {_key(v) for v in mention.values}:
            found.setdefault(value, set()).add(dimension(mention))
    return found


def is_written(mention: NumberMention, written: dict[float, set[str | None]]) -> bool:
    return all(v in written for v in written_numbers(mention))


def false_positives(pairs: list[Pair]) -> tuple[float, float, float]:
    """Shares of summaries flagged: all, all flagged figures written, some not written."""
    all_written = not_written = 0
    for pair in pairs:
        mentions = flagged(pair.abstract, pair.lay_summary)
        if not mentions:
            continue
        written = abstract_numbers(pair.abstract)
        if all(is_written(m, written) for m in mentions):
            all_written += 1
        else:
            not_written += 1
    n = len(pairs)
    return (all_written + not_written) / n, all_written / n, not_written / n


# --- detection --------------------------------------------------------------------------------

def alter_number(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """One digit figure altered: (new text, start, end of the altered figure) or None."""
    mentions = [m for m in extract_numbers(text)
                if not m.spelled and m.kind not in ("year", "date") and re.search(r"\d", m.text)]
    if not mentions:
        return None
    mention = rng.choice(mentions)
    digits = [m for m in re.finditer(r"\d+(?:\.\d+)?", mention.text)]
    number = rng.choice(digits)
    start, end = mention.start + number.start(), mention.start + number.end()
    old = number.group()
    if mention.unit == "percent":
        value = float(old)
        shift = rng.randint(10, 25)
        new_value = value + shift if value + shift <= 100 else value - shift
        if new_value < 0:
            new_value = value + shift
        new = f"{new_value:.{len(old.split('.')[1]) if '.' in old else 0}f}"
    else:
        positions = [i for i, c in enumerate(old) if c.isdigit()]
        pos = rng.choice(positions)
        choices = [d for d in "0123456789" if d != old[pos] and not (d == "0" and pos == 0)]
        new = old[:pos] + rng.choice(choices) + old[pos + 1:]
    return text[:start] + new + text[end:], start, start + len(new)


def alterations(
    pairs: list[Pair], seed: int, rounds: int = 1
) -> Iterator[tuple[Pair, str, int, int]]:
    """(pair, altered summary, start, end) for each summary with a digit figure, each round."""
    for round_seed in range(seed, seed + rounds):
        for i, pair in enumerate(pairs):
            change = alter_number(pair.lay_summary, random.Random(f"{round_seed}:{i}"))
            if change is not None:
                yield pair, *change


def is_detected(pair: Pair, text: str, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in number_errors(pair.abstract, text))


def detection(pairs: list[Pair], seed: int = 5, rounds: int = ROUNDS) -> tuple[int, float]:
    """How many figures were altered over all rounds, and the share of them flagged."""
    altered = detected = 0
    for pair, text, start, end in alterations(pairs, seed, rounds):
        altered += 1
        detected += is_detected(pair, text, start, end)
    return altered, detected / altered if altered else 0.0


# --- diagnosis ----------------------------------------------------------------------------

_CATEGORIES = (
    "not written in the abstract",
    "digits only inside another number (28 in 0.28)",
    "written, measuring something else",
    "written, same kind (rounding or derivation rules)",
)


def _category(abstract: str, mention: NumberMention, written: dict[float, set[str | None]]) -> str:
    values = written_numbers(mention)
    if not all(v in written for v in values):
        plain = abstract.replace(",", "")
        inside = all(v in written or f"{v:g}" in plain for v in values)
        return _CATEGORIES[1] if inside else _CATEGORIES[0]
    if all(dimension(mention) in written[v] or None in written[v] for v in values):
        return _CATEGORIES[3]
    return _CATEGORIES[2]


def diagnose(pairs: list[Pair]) -> Iterator[str]:
    """A table of flagged figures in human summaries by why they failed to trace."""
    figures: Counter[str] = Counter()
    summaries: Counter[str] = Counter()
    by_kind: Counter[tuple[str, str, str]] = Counter()
    for pair in pairs:
        written = abstract_numbers(pair.abstract)
        cats = []
        for mention in flagged(pair.abstract, pair.lay_summary):
            cat = _category(pair.abstract, mention, written)
            cats.append(cat)
            by_kind[cat, mention.kind, str(dimension(mention))] += 1
        figures.update(cats)
        if cats:  # a summary counts under its first category in table order
            summaries[min(cats, key=_CATEGORIES.index)] += 1
    yield f"{'why a flagged figure did not trace':52} {'figures':>8} {'summaries':>10}"
    for cat in _CATEGORIES:
        yield f"{cat:52} {figures[cat]:8} {summaries[cat]:10}"
    yield "most common (category, kind, what it measures):"
    for (cat, kind, dim), n in by_kind.most_common(15):
        yield f"  {n:4}  {cat[:34]:34} {kind:10} {dim}"


def show_failures(pairs: list[Pair], count: int, seed: int) -> Iterator[str]:
    """Examples of false positives and missed alterations, for tuning by hand."""
    shown = 0
    for pair in pairs:
        spans = number_errors(pair.abstract, pair.lay_summary)
        if spans and shown < count:
            shown += 1
            yield "FP: " + " | ".join(pair.lay_summary[max(0, s - 30):e + 10] for s, e in spans)
    shown = 0
    for pair, text, start, end in alterations(pairs, seed):
        if shown < count and not is_detected(pair, text, start, end):
            shown += 1
            yield f"MISS: ...{text[max(0, start - 40):end + 20]}... altered {text[start:end]!r}"
