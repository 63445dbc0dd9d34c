"""The batch progress bar in an 80-column terminal: the label whole, every line within 80."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from laydraft.batch.progress import LABEL, LiveProgress, clock
from laydraft.batch.runner import Tally

CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def _bar_lines(total: int, done: int, hours: float, monkeypatch: pytest.MonkeyPatch
               ) -> list[str]:
    """The bar drawn after ``hours`` of a run, at one record per ten seconds lately."""
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=None)  # width from COLUMNS
    assert console.width == 80
    now = [1000.0]
    with LiveProgress(console=console, enabled=True, clock=lambda: now[0]) as bar:
        assert bar.progress is not None and bar.task is not None
        now[0] += hours * 3600
        bar(Tally(total=total, seen=done, drafted=done, in_flight=3))
        now[0] += 10
        bar.progress.update(bar.task, completed=done + 1)
        bar.progress.refresh()
    return [line for line in CONTROL.sub("\n", out.getvalue()).splitlines() if " eta" in line]


@pytest.mark.parametrize(("total", "done", "hours"), [
    (202, 50, 0.01),
    (123_456, 99_999, 30),            # rich wrote "1 day, 6:00:00" here
    (9_999_999, 10, 50),              # days left, a seven-digit count
    (99_999_999_999, 5, 2_000),       # beyond any real list: the bar gives way, not the label
])
def test_the_bar_keeps_its_label_whole_within_80_columns(
        total: int, done: int, hours: float, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _bar_lines(total, done, hours, monkeypatch)
    assert lines
    for line in lines:
        assert len(line.rstrip()) <= 80, line
        assert line.startswith(f"{LABEL} "), line
    assert f"{done + 1}/{total}" in lines[-1] and " eta " in lines[-1]


def test_times_take_at_most_eight_columns() -> None:
    assert clock(None) == "-:--:--"
    assert clock(3723) == "1:02:03"
    assert clock(99 * 3600 + 3599) == "99:59:59"
    assert clock(30 * 3600) == "30:00:00"
    assert clock(100 * 3600) == "4d 04h"
    assert clock(999 * 86400 + 23 * 3600) == "999d 23h"
    assert clock(1000 * 86400) == ">999d"
    assert max(len(clock(s)) for s in range(0, 10**9, 7_777_777)) <= 8
