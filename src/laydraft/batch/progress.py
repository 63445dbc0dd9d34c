"""The live progress bar and the final summary table, drawn with rich on standard error.

The bar shows done / failed / in flight, the rate, the time left, tokens and cost so far, and
the rate limit in force with where it came from and the time spent waiting on it, in lines
that fit 80 columns. It draws only on a terminal: in a pipe, a log or CI it stays quiet
and only the summary prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
)
from rich.table import Column, Table
from rich.text import Text

from .runner import BatchSummary, Tally

if TYPE_CHECKING:
    from .estimate import Estimate

REFRESH_SECONDS = 0.1


WIDTH = 80  # every line of the bar fits a classic terminal
LABEL = "drafting"
# The bar line is LABEL, the bar, "done/total" (at most 15 wide up to 9,999,999 records), the
# time spent and "eta" with the time left (at most 8 wide each), one space apart: 77 columns.
BAR_WIDTH = 30


def clock(seconds: float | None) -> str:
    """A duration in at most 8 columns: "1:02:03", "99:59:59", then "4d 03h" (rich's own
    columns write "1 day, 16:00:00", which pushed the label out of an 80-column line)."""
    if seconds is None:
        return "-:--:--"
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours < 100:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours:02d}h" if days < 1000 else ">999d"


class _Elapsed(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(clock(task.finished_time if task.finished else task.elapsed),
                    style="progress.elapsed")


class _Remaining(ProgressColumn):
    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("", style="progress.remaining")
        return Text(clock(task.time_remaining), style="progress.remaining")


class _DoneOfTotal(ProgressColumn):
    def render(self, task: Task) -> Text:
        total = "?" if task.total is None else f"{int(task.total)}"
        return Text(f"{int(task.completed):>{len(total)}}/{total}", style="progress.download")


def _fixed() -> Column:
    """A column drawn whole: never wrapped and never cut to make room for the others."""
    return Column(no_wrap=True, overflow="ignore")


def _stats(tally: Tally) -> str:
    """The lines under the bar: counts; rate, tokens and cost; the limit and the wait."""
    elapsed = max(time.monotonic() - tally.started, 1e-6)
    rate = (tally.drafted + tally.failed) / elapsed * 60
    cost = f"${tally.cost_usd:.4f}" if tally.cost_known else "cost ?"
    counts = (f"[green]{tally.drafted} drafted[/] [red]{tally.failed} failed[/] "
              f"{tally.in_flight} in flight · {tally.skipped} skipped · {tally.bad} bad")
    speed = (f"{rate:,.0f}/min · {tally.prompt_tokens + tally.completion_tokens:,} tokens · "
             f"{cost}")
    if not tally.limit:
        return f"{counts}\n{speed}"
    return f"{counts}\n{speed}\nlimit {tally.limit} · waited {tally.waited:.0f} s"


class _BarWithStats(Progress):
    """The bar on one line, the stats under it, each line cut to the width (never wrapped)."""

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        for task in self.tasks:
            for line in str(task.fields.get("stats", "")).splitlines():
                text = Text.from_markup(line, overflow="ellipsis")
                text.no_wrap = True
                yield text


class LiveProgress:
    """A rich progress bar fed by the runner's ``on_change``; a no-op off a terminal."""

    def __init__(self, console: Console | None = None, enabled: bool | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.clock = clock  # the bar's time source (rich's own unless a test gives one)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.last = 0.0

    def __enter__(self) -> LiveProgress:
        if self.enabled:
            self.progress = _BarWithStats(
                TextColumn(f"[bold]{LABEL}", table_column=_fixed()),
                BarColumn(bar_width=BAR_WIDTH), _DoneOfTotal(table_column=_fixed()),
                _Elapsed(table_column=_fixed()), TextColumn("eta", table_column=_fixed()),
                _Remaining(table_column=_fixed()),
                console=self.console, transient=False, refresh_per_second=8,
                get_time=self.clock,
            )
            self.progress.start()
            self.task = self.progress.add_task("batch", total=None, stats="")
        return self

    def __call__(self, tally: Tally) -> None:
        if self.progress is None or self.task is None:
            return
        now = time.monotonic()
        if now - self.last < REFRESH_SECONDS and tally.in_flight:
            return
        self.last = now
        self.progress.update(self.task, total=tally.total, completed=tally.finished,
                             stats=_stats(tally))

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.stop()


def summary_table(summary: BatchSummary) -> Table:
    table = Table(title=f"batch run {summary.run_id}: {summary.list_path}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right", overflow="fold")
    cost = "unknown (no price for this model)" if summary.cost_usd is None else (
        f"${summary.cost_usd:.4f}")
    rows = [
        ("records read", summary.records), ("drafted and queued", summary.drafted),
        ("failed", summary.failed), ("skipped", summary.skipped),
        ("bad records", summary.bad), ("API calls", summary.api_calls),
        ("429 answers", summary.rate_limited),
        ("tokens (prompt + answer)", f"{summary.prompt_tokens:,} + "
                                     f"{summary.completion_tokens:,}"),
        ("cost", cost), ("time", f"{summary.seconds:.1f} s"),
        ("rate limit", summary.rate_limit or ("none (offline)" if summary.drafter == "offline"
                                              else "none known")),
        ("waited on the limit", f"{summary.waited_for_limit:.1f} s"),
        ("drafter / model", f"{summary.drafter} / {summary.model}"),
        ("prompt", summary.fingerprint),
        ("ended", summary.status),
    ]
    if summary.stopped:
        rows.append(("stopped because", summary.stopped))
    if summary.left_for_next_run:
        rows.append(("left for the next run", summary.left_for_next_run))
    if summary.not_stored:
        rows.append(("drafted but not stored", summary.not_stored))
    for name, value in rows:
        table.add_row(name, str(value))
    for reason, count in sorted(summary.skipped_reasons.items()):
        table.add_row(f"  skipped: {reason}", str(count))
    return table


def problems_table(summary: BatchSummary) -> Table | None:
    """Failed and bad records, one row each, or None when there are none."""
    rows = [(f["source"] or f["record_key"], f["reason"], f["detail"]) for f in summary.failures]
    rows += [(b["source"], "bad record", b["reason"]) for b in summary.bad_records]
    if not rows:
        return None
    table = Table(title="records not drafted")
    for column in ("record", "reason", "detail"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    return table


def estimate_table(est: Estimate, model: str) -> Table:
    table = Table(title=f"dry run: nothing was sent ({model})", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")

    def dollars(value: float | None) -> str:
        return "unknown (no price for this model)" if value is None else f"${value:.4f}"

    how = "" if est.exact_count else " (estimated)"
    for name, value in [
        ("records", est.records), ("bad records", est.bad),
        ("already drafted or repeated", est.already_drafted), ("to draft", est.to_draft),
        (f"prompt tokens{how}", f"{est.prompt_tokens:,}"),
        ("answer tokens, typical (max)", f"{est.answer_tokens:,} ({est.answer_tokens_max:,})"),
        ("cost, normal price", f"{dollars(est.cost_usd)} (at most {dollars(est.cost_usd_max)})"),
        ("cost, Batch API price", dollars(est.batch_api_cost_usd)),
    ]:
        table.add_row(name, str(value))
    return table
