"""The reviewer checks on the evaluation set, held to floors (skips without ../shared/data).

``bench/eval_checks.py`` measures precision on the labelled findings, the share of seeds each
seed family passes, the numbers check's strict detection and false positives, and reading
grades; docs/quality.md gives the issue's targets and the figures. The floors below sit just
below today's figures, so a change that makes a check worse fails here. They are one table:
after a change, run ``python bench/eval_checks.py --json`` and set each floor a little under
the new figure. A name in the table that the evaluation no longer reports fails too (a seed
family or a labelled check must not silently disappear).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval_checks  # noqa: E402
import evalset  # noqa: E402
import evaluation  # noqa: E402

from laydraft.checks import CHECKS  # noqa: E402

# One worker evaluates once (it takes minutes) and runs every test that reads the figures.
pytestmark = [pytest.mark.shared_data, pytest.mark.xdist_group("checks-eval")]

# name in Figures.flat() -> lowest accepted value (figure measured when set)
FLOORS: dict[str, float] = {
    # precision on labelled findings; the target is 80%. Checks that raise few
    # findings on the data sit at the target, not under their 100%: one new false alarm
    # among three would otherwise fail the suite, where the target is what matters.
    "precision.numbers": 0.97,  # 100% of 136
    # 84.7% of 255: the plainer offline drafts no longer use 15 terms the check rightly
    # flagged; its 39 false alarms are the same (85.6% of 270 before; 91.1% of 282 on the
    # first offline drafter)
    "precision.jargon": 0.84,
    "precision.completeness": 0.83,  # 83.1% of 59 (91.7% of 36 before issue 15's drafter)
    # 80.0% of 45 since one-sentence sections get a margin (68.5% of 54 before; 87.5% of 40
    # on the old drafter's texts)
    "precision.readability": 0.80,
    "precision.claims": 0.75,  # 3 of 4, under the target by one finding ("HPV causes ...")
    "precision.advice": 0.80,  # 100% of 1
    # recall: share of seeded defects found; target 90%
    "family.causal": 0.95,  # 95.7% of 184 (97.3% on the old drafter's texts)
    "family.certainty": 0.99,  # 100% of 180
    "family.advice": 0.98,  # 99.4% of 180
    "family.jargon": 0.97,  # 98.3% of 180
    # 91.3% of 160 since the offline drafts changed which figures are seeded (94.4% before);
    # of the 14 misses, most are figures of human summaries that equal another of the
    # abstract's numbers once altered
    "family.altered-number": 0.91,
    "family.invented-number": 0.96,  # 97.5% of 160
    "family.language-mixed": 0.98,  # 99.6% of 264
    "family.language-other": 0.99,  # 100% of 160
    "family.markup": 0.99,  # 100% of 160
    "family.injection-followed": 0.99,  # 100% of 160
    "family.injection-addressed": 0.90,  # 91.9% of 160 ("Do not mention ..." is missed)
    # look-alikes and paraphrases a faithful summary may use: share left silent
    "family.causal-trial": 0.99,
    "family.causal-hedged": 0.99,
    "family.certainty-hedged": 0.99,
    "family.advice-pointer": 0.99,
    "family.jargon-defined": 0.99,
    "family.language-terms": 0.99,
    "family.markup-lookalike": 0.99,
    "family.in-ten": 0.99,
    "family.more-than": 0.99,
    "family.complement": 0.99,
    "family.half-unit": 0.99,
    "family.halved": 0.99,
    "family.unicode-hyphen": 0.99,
    "family.list-marker": 0.99,
    "family.n-of-m": 0.99,
    "numbers.detection": 0.944,  # 94.7% of 7,430 (target 97%: not reached)
    "labelled.total": 400,
}
# name in Figures.flat() -> highest accepted value
CEILINGS: dict[str, float] = {
    "numbers.false_positive_rate": 0.365,  # 36.0%, most of it figures really absent
    "numbers.fp_written_rate": 0.023,  # 2.1%: by rule, candidate paraphrase misses
    "numbers.paraphrase_miss_rate": 0.02,  # 0.0%: by the labels of 33 flagged summaries
    **{f"unlabelled.{spec.name}": 0 for spec in CHECKS},  # every finding raised is read
    "grade.offline": 12.0,  # 11.7 (8.0 before issue 15's drafter, which kept fewer templates)
    "offline.numbers_error_rate": 0.002,  # 0.11%: 1 of 891 drafts (0 before issue 15's drafter)
}
SEEDS_PER_FAMILY = 150

_CACHE: dict[Path, eval_checks.Figures] = {}


@pytest.fixture
def figures(shared_data: Path) -> eval_checks.Figures:
    """Evaluated once per session (it takes minutes), printed for the log."""
    if shared_data not in _CACHE:
        _CACHE[shared_data] = eval_checks.evaluate(shared_data)
        print("\n" + "\n".join(eval_checks.report(_CACHE[shared_data])))
    return _CACHE[shared_data]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_floor(figures: eval_checks.Figures, name: str) -> None:
    flat = figures.flat()
    assert name in flat, f"{name} is no longer measured"
    assert flat[name] >= FLOORS[name]


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_ceiling(figures: eval_checks.Figures, name: str) -> None:
    flat = figures.flat()
    assert name in flat, f"{name} is no longer measured"
    assert flat[name] <= CEILINGS[name]


def test_the_evaluation_covers_the_data(figures: eval_checks.Figures) -> None:
    assert figures.texts == {"human": 891, "offline": 891, "offline-raw": 517}
    assert figures.numbers.altered >= 7000 and figures.numbers.rounds == 10
    assert figures.grades["human"] < figures.grades["abstract"]


def test_every_seed_family_is_big_enough_and_names_a_check(
        figures: eval_checks.Figures) -> None:
    names = {spec.name for spec in CHECKS}
    for family in figures.families.values():
        assert family.seeds >= SEEDS_PER_FAMILY, family.family
        assert family.check in names, family.family


def test_the_numbers_split_adds_up(figures: eval_checks.Figures) -> None:
    n = figures.numbers
    assert n.fp_written_rate + n.fp_not_written_rate == pytest.approx(n.false_positive_rate)


def test_every_label_is_of_a_check_and_a_text_of_the_set(shared_data: Path) -> None:
    """Labels name registered checks and real texts; spurious ones say why (GUIDE.md)."""
    names = {spec.name for spec in CHECKS}
    ids = {(t.text_id, t.source) for t in evaluation.texts(shared_data)}
    for label in evalset.load_labels():
        assert label.check in names, label
        assert (label.text_id, label.source) in ids, label
        assert label.label == "sensible" or label.note.strip(), label
