"""Issue 15's evaluation of the offline drafter over the shared Cochrane pairs.

    python bench/eval_offline.py [--limit N] [--json] [--show N] [--report-only]

Drafts every abstract of ``../shared/data/cochrane_pairs.jsonl`` with ``OfflineDrafter`` (as
``bench/evalset.py`` does) and prints, over all pairs, each figure next to the issue's target:
median grade with and without template sentences, template share, ROUGE-1 F1 against the human
summaries, headlines starting with a conjunction or carrying an unexplained abbreviation, the
primary result present, verbless sentences and false counts. The rules behind each figure are
in ``bench/offline_measures.py``. Exits 1 while a target is missed, unless ``--report-only``.
``--show N`` prints N drafts picked at random (fixed seed) with their abstracts, for reading.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import offline_measures as om  # noqa: E402
from evalset import DEFAULT_DATA, cochrane_rows  # noqa: E402

from laydraft.models import Abstract, LaySummary  # noqa: E402

SHOW_SEED = 15


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    bound: float | None  # None: reported, no target
    at_most: bool = True
    percent: bool = True

    def passed(self, value: float) -> bool:
        if self.bound is None:
            return True
        return value <= self.bound + 1e-12 if self.at_most else value >= self.bound - 1e-12

    def show(self, value: float) -> str:
        return f"{value:.1%}" if self.percent else f"{value:.2f}"

    def show_bound(self) -> str:
        if self.bound is None:
            return "–"
        sign = "≤" if self.at_most else "≥"
        return f"{sign} {self.show(self.bound)}"


# The targets, in the order they are printed.
TARGETS: tuple[Target, ...] = (
    Target("grade", "median grade, whole draft", None, percent=False),
    Target("grade_plain", "median grade without template sentences", 9.0, percent=False),
    Target("template_share", "template share of words (mean per draft)", 0.20),
    Target("rouge1", "ROUGE-1 F1 against the human summary (mean)", 0.35, at_most=False,
           percent=False),
    Target("conjunction_headlines", "headlines starting with a conjunction", 0.0),
    Target("abbreviation_headlines", "headlines with an unexplained abbreviation", 0.0),
    Target("primary_present", "primary result figure in headline or What was found", 0.90,
           at_most=False),
    Target("verbless_sentences", "sentences without a verb", 0.01),
    Target("false_counts", "drafts with a false count of people or studies", 0.0),
)


@dataclass
class Pair:
    pair_id: str
    abstract: str
    human: str
    draft: LaySummary


def draft_pairs(rows: Sequence[dict[str, Any]]) -> list[Pair]:
    """The offline drafter's draft of each abstract, with the human summary."""
    from laydraft.config import Settings
    from laydraft.drafting.offline import OfflineDrafter

    drafter = OfflineDrafter(Settings())
    pairs = []
    for row in rows:
        abstract = Abstract(text=row["abstract"], title=row.get("title"))
        pairs.append(Pair(row["id"], row["abstract"], row["lay_summary"],
                          drafter.summarise(abstract)))
    return pairs


def rouge1(pairs: Sequence[Pair]) -> list[float]:
    """ROUGE-1 F1 of each draft (the four sections joined) against its human summary."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    return [float(scorer.score(p.human, om.whole(p.draft))["rouge1"].fmeasure) for p in pairs]


@dataclass
class Evaluation:
    pairs: list[Pair]
    measures: list[om.DraftMeasures]
    rouge: list[float]

    def figures(self) -> dict[str, float]:
        m = self.measures
        n = len(m)
        plain = [x.grade_plain for x in m if x.grade_plain is not None]
        with_figure = [x.primary for x in m if x.primary is not None]
        sentences = sum(x.sentences for x in m)
        return {
            "drafts": n,
            "grade": statistics.median(x.grade for x in m),
            "grade_plain": statistics.median(plain) if plain else 0.0,
            "template_share": statistics.fmean(x.template_share for x in m),
            "template_share_median": statistics.median(x.template_share for x in m),
            "rouge1": statistics.fmean(self.rouge),
            "conjunction_headlines": _share(x.conjunction_headline for x in m),
            "abbreviation_headlines": _share(bool(x.abbreviations) for x in m),
            "primary_present": _share(with_figure) if with_figure else 0.0,
            "primary_counted": len(with_figure),
            "primary_excluded": n - len(with_figure),
            "verbless_sentences": sum(len(x.verbless) for x in m) / sentences if sentences else 0.0,
            "sentences": sentences,
            "false_counts": _share(bool(x.false_counts) for x in m),
        }

    def missed(self) -> list[str]:
        figures = self.figures()
        return [t.name for t in TARGETS if not t.passed(figures[t.name])]


def _share(flags: Any) -> float:
    values = [bool(f) for f in flags]
    return sum(values) / len(values) if values else 0.0


def evaluate(rows: Sequence[dict[str, Any]],
             draft: Callable[[Sequence[dict[str, Any]]], list[Pair]] = draft_pairs) -> Evaluation:
    """Draft every row and measure the drafts."""
    pairs = draft(rows)
    index = om.template_index([(p.draft, p.abstract) for p in pairs])
    measures = [om.measure(p.draft, p.abstract, index) for p in pairs]
    return Evaluation(pairs, measures, rouge1(pairs))


def report(evaluation: Evaluation) -> str:
    f = evaluation.figures()
    lines = [f"Offline drafter on {f['drafts']:.0f} Cochrane pairs", "",
             f"{'figure':<56} {'value':>8}  {'target':>8}  result"]
    for t in TARGETS:
        verdict = "–" if t.bound is None else ("PASS" if t.passed(f[t.name]) else "FAIL")
        lines.append(f"{t.label:<56} {t.show(f[t.name]):>8}  {t.show_bound():>8}  {verdict}")
    lines += [
        "",
        f"template share, median per draft: {f['template_share_median']:.1%}",
        f"primary figure: {f['primary_counted']:.0f} abstracts counted, "
        f"{f['primary_excluded']:.0f} left out (no effect estimate or result percentage)",
        f"sentences read for verbs: {f['sentences']:.0f}",
    ]
    return "\n".join(lines)


def show(evaluation: Evaluation, count: int) -> str:
    """``count`` drafts at random (fixed seed), with abstract and what was measured."""
    rng = random.Random(SHOW_SEED)
    chosen = sorted(rng.sample(range(len(evaluation.pairs)), min(count, len(evaluation.pairs))))
    blocks = []
    for i in chosen:
        pair, m = evaluation.pairs[i], evaluation.measures[i]
        figure = om.primary_figure(pair.abstract)
        parts = [f"=== {pair.pair_id}", f"ABSTRACT: {pair.abstract}", ""]
        for name, text in pair.draft.sections().items():
            parts.append(f"{name.upper()}: {text}")
        parts += [
            "",
            f"grade {m.grade:.1f}, without template {m.grade_plain}, template share "
            f"{m.template_share:.0%}, ROUGE-1 {evaluation.rouge[i]:.2f}",
            "template: " + " | ".join(m.template_sentences),
            f"primary figure: {figure.value if figure else None} "
            f"({figure.kind if figure else 'none'}) present={m.primary}",
            f"verbless: {m.verbless}", f"false counts: {m.false_counts}",
            f"headline: conjunction={m.conjunction_headline} abbreviations={m.abbreviations}",
            "",
        ]
        blocks.append("\n".join(parts))
    return "\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="print N random drafts (fixed seed) with their abstracts")
    parser.add_argument("--report-only", action="store_true",
                        help="exit 0 even when a target is missed")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    args = parser.parse_args(argv)
    rows = cochrane_rows(args.data)[:args.limit] if args.limit else cochrane_rows(args.data)
    evaluation = evaluate(rows)
    if args.show:
        print(show(evaluation, args.show))
    if args.json:
        figures = evaluation.figures()
        print(json.dumps({**figures, "targets": {
            t.name: {"bound": t.bound, "at_most": t.at_most, "passed": t.passed(figures[t.name])}
            for t in TARGETS}}, indent=2))
    else:
        print(report(evaluation))
    return 1 if evaluation.missed() and not args.report_only else 0


if __name__ == "__main__":
    raise SystemExit(main())
