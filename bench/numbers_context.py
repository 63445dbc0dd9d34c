"""Can a figure's neighbouring words tell an altered value from a faithful one?

    python bench/numbers_context.py [--data PATH] [--rounds N] [--seed N]

Most altered figures the numbers check misses (``bench/numbers_eval.py``, strict detection)
trace as ``value``: the altered number occurs in the abstract, measuring a compatible thing
("11 studies" altered to "12 studies" when the abstract also says "12 studies were at high
risk of bias"). This script measures whether the words around a figure could separate those
misses from the figures human summaries cite faithfully, which trace the same way. For each
figure tracing as ``value`` it counts the content words within ``K`` words on either side, in
its clause, that it shares with

- S: the best-matching abstract figure of the **same** value;
- C: the best-matching abstract figure of the same kind and what it measures, of a
  **different** value (the competitor an alteration came from, when there is one);

and prints the joint counts of (S, C) for missed alterations and for human figures, then what
two rules would gain and cost: "no shared word with any same-value figure" (for K = 2, 3, 5)
and "a competitor shares at least two (three) words more than any same-value figure". A rule is worth
adding when it flags many misses per human summary it newly flags; the figures in
``docs/quality.md`` show it flags about as many faithful summaries as altered figures.

Crude stemming (six letters) and a few synonyms (trial = study, patients = people) are given
the rules' benefit: they can only make overlaps more generous to both sides.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import numbers_eval as ne  # noqa: E402

from laydraft.checks.numbers import source_index  # noqa: E402
from laydraft.models import Abstract  # noqa: E402
from laydraft.text.normalise import for_reading  # noqa: E402
from laydraft.text.numbers import NumberMention, dimension, extract_numbers  # noqa: E402
from laydraft.text.rounding import key  # noqa: E402
from laydraft.text.sentences import clause_spans  # noqa: E402

_WORD = re.compile(r"[a-z][a-z\-]{2,}")
_STOP_TEXT = (
    "the and for with was were are this that these those from than had has have who which "
    "their there they them its not but all any one two three four five six seven eight nine "
    "ten more less each per into between only also after before over under about our what "
    "been did does such other some most then when where while within without would could "
    "should may might can will both total"
)
_STOP = frozenset(_STOP_TEXT.split())
_SAME = {
    "trial": "study", "trials": "study", "rct": "study", "rcts": "study", "studie": "study",
    "patien": "person", "partic": "person", "people": "person", "women": "person",
    "men": "person", "childr": "person", "adults": "person", "infant": "person",
    "subjec": "person", "indivi": "person", "newbor": "person", "babies": "person",
}


def _stem(word: str) -> str:
    return _SAME.get(word[:6], word[:6])


def neighbourhood(text: str, mention: NumberMention, k: int) -> set[str]:
    """Stemmed content words within ``k`` words of the mention, inside its clause."""
    start, end = next(((s, e) for s, e in clause_spans(text) if s <= mention.start < e),
                      (0, len(text)))
    left = [w for w in _WORD.findall(text[start:mention.start].lower()) if w not in _STOP]
    right = [w for w in _WORD.findall(text[mention.end:end].lower()) if w not in _STOP]
    return {_stem(w) for w in left[-k:] + right[:k]}


def overlaps(abstract: str, text: str, mention: NumberMention, k: int) -> tuple[int, int]:
    """(S, C): shared words with the best same-value and the best competitor figure."""
    source = for_reading(abstract)
    words = neighbourhood(text, mention, k)
    value, dim = key(mention.value), dimension(mention)
    same = competitor = 0
    for other in extract_numbers(source):
        if other.kind != mention.kind:
            continue
        shared = len(words & neighbourhood(source, other, k))
        if key(other.value) == value:
            same = max(same, shared)
        elif dimension(other) == dim:
            competitor = max(competitor, shared)
    return same, competitor


Figure = tuple[str, str, NumberMention]  # abstract, text, the figure in the text


def missed_values(pairs: list[ne.Pair], seed: int, rounds: int) -> tuple[int, list[Figure]]:
    """How many figures were altered, and the misses that trace as ``value``."""
    altered, misses = 0, []
    for pair, text, start, end in ne.alterations(pairs, seed, rounds):
        altered += 1
        if ne.is_detected(pair, text, start, end):
            continue
        hit = [m for m in extract_numbers(text) if m.start < end and start < m.end]
        index = source_index(Abstract(text=pair.abstract))
        if hit and index.trace(hit[0], text) == "value":
            misses.append((pair.abstract, text, hit[0]))
    return altered, misses


def faithful_values(pairs: list[ne.Pair]) -> list[tuple[int, str, str, NumberMention]]:
    """(summary number, abstract, summary, figure) for human figures tracing as ``value`` in
    summaries the check does not flag today."""
    found = []
    for i, pair in enumerate(pairs):
        if ne.flagged(pair.abstract, pair.lay_summary):
            continue
        index = source_index(Abstract(text=pair.abstract))
        for mention in extract_numbers(pair.lay_summary):
            if index.trace(mention, pair.lay_summary) == "value":
                found.append((i, pair.abstract, pair.lay_summary, mention))
    return found


def _ahead(shared: tuple[int, int], lead: int) -> bool:
    same, competitor = shared
    return competitor >= same + lead


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.data / "cochrane_pairs.jsonl").is_file():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    pairs = ne.load_pairs(args.data)
    altered, misses = missed_values(pairs, args.seed, args.rounds)
    faithful = faithful_values(pairs)
    print(f"{altered} figures altered over {args.rounds} rounds; {len(misses)} missed as 'value'; "
          f"{len(faithful)} human figures trace as 'value' in {len(pairs)} summaries")

    table: Counter[tuple[str, int, int]] = Counter()
    for abstract, text, mention in misses:
        table["miss", *overlaps(abstract, text, mention, 3)] += 1
    for _, abstract, text, mention in faithful:
        table["human", *overlaps(abstract, text, mention, 3)] += 1
    print("\nshared words (K = 3): rows S = same value, columns C = competitor 0..5+")
    for same in range(4):
        for side in ("miss", "human"):
            row = [table[side, same, c] for c in range(5)]
            row.append(sum(n for (s, x, c), n in table.items() if s == side and x == same and c >= 5))
            print(f"  S={same} {side:5} " + " ".join(f"{n:5}" for n in row))

    print("\nrule                                  misses caught   human summaries newly flagged")
    for k in (2, 3, 5):
        caught = sum(overlaps(a, t, m, k)[0] == 0 and bool(neighbourhood(t, m, k))
                     for a, t, m in misses)
        summaries = {i for i, a, t, m in faithful
                     if overlaps(a, t, m, k)[0] == 0 and neighbourhood(t, m, k)}
        print(f"no shared word, K={k}                  {caught:5} of {len(misses):<5}  "
              f"{len(summaries):5} ({len(summaries) / len(pairs):.1%})")
    for lead in (2, 3):
        caught = sum(_ahead(overlaps(a, t, m, 3), lead) for a, t, m in misses)
        summaries = {i for i, a, t, m in faithful if _ahead(overlaps(a, t, m, 3), lead)}
        print(f"competitor ahead by {lead} words, K=3       {caught:5} of {len(misses):<5}  "
              f"{len(summaries):5} ({len(summaries) / len(pairs):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
