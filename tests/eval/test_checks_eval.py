"""The checks on real abstract / plain-language summary pairs (skips without ../shared/data).

Two kinds of assertion: regression floors that hold today, and the issue's targets
(false-positive rate <= 5%, detection >= 95%), which are marked xfail while they are not met:
the dataset's abstracts start at "Main results", while its human summaries also report search
dates, ages, durations and study counts from the full review, so a third of them carry a figure
that is genuinely absent from the abstract. See bench/eval_checks.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval_checks  # noqa: E402

pytestmark = pytest.mark.shared_data


_CACHE: dict[Path, eval_checks.Figures] = {}


@pytest.fixture
def figures(shared_data: Path) -> eval_checks.Figures:
    """Evaluated once per session (the suite takes some seconds), printed for the log."""
    if shared_data not in _CACHE:
        _CACHE[shared_data] = eval_checks.evaluate(shared_data)
        print("\n" + "\n".join(eval_checks.report(_CACHE[shared_data])))
    return _CACHE[shared_data]


def test_regression_floors(figures: eval_checks.Figures) -> None:
    assert figures.pairs >= 800
    assert figures.detection_rate >= 0.90
    assert figures.false_positive_rate <= 0.40
    assert figures.median_grade_human < figures.median_grade_abstract
    if figures.offline is not None:
        assert figures.offline["numbers_error_rate"] == 0


@pytest.mark.xfail(reason="human summaries cite figures absent from the truncated abstracts",
                   strict=False)
def test_issue_targets(figures: eval_checks.Figures) -> None:
    assert figures.false_positive_rate <= eval_checks.FALSE_POSITIVE_TARGET
    assert figures.detection_rate >= eval_checks.DETECTION_TARGET
