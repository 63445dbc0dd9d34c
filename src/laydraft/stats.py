"""Compare groups of decided drafts on what reviewers had to do (``laydraft stats``).

Groups are drafts sharing a prompt fingerprint, model, drafter, reviewer, audience, prompt
variant, or a check that flagged something in the drafter's version (a draft belongs to every
check that flagged it). Each group gets its count, approval rate (with a Wilson 95% interval),
and for each effort figure the median, quartiles, range and a distribution-free 95% interval
for the median (from order statistics, exact under the binomial). Groups smaller than
``min_group`` are marked "too few to compare" and get no intervals: with fewer than six drafts
no pair of order statistics covers the median with 95% confidence.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from . import effort as effort_module
from .db import Store
from .errors import ErrorCode, UsageError
from .models import Effort

Grouping = Literal["prompt", "model", "drafter", "reviewer", "check", "audience", "variant"]
GROUPINGS: tuple[Grouping, ...] = ("prompt", "model", "drafter", "reviewer", "check",
                                   "audience", "variant")
MIN_GROUP = 6
CONFIDENCE = 0.95
TOO_FEW = "too few to compare"
NONE_LABEL = "(none)"

# Figure name -> how to read it from an Effort (None: the draft has no value for it).
FIGURES: dict[str, Callable[[Effort], float | None]] = {
    "changed_share": lambda e: e.words.changed_share,
    "kept_share": lambda e: e.words.kept_share,
    "inserted_share": lambda e: e.words.inserted_share,
    "deleted_share": lambda e: e.words.deleted_share,
    "edit_distance": lambda e: float(e.words.distance),
    "minutes_to_claim": lambda e: None if e.seconds_to_claim is None else e.seconds_to_claim / 60,
    "minutes_to_decide": lambda e: (None if e.seconds_to_decide is None
                                    else e.seconds_to_decide / 60),
    "rounds": lambda e: float(e.rounds),
    "findings_fixed": lambda e: float(e.findings.fixed),
    "findings_dismissed": lambda e: float(e.findings.dismissed),
    "findings_overridden": lambda e: float(e.findings.overridden),
    "findings_open": lambda e: float(e.findings.open),
}


class Distribution(BaseModel):
    """One figure across a group: count, median, quartiles, range, median's interval."""

    n: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    low: float | None = None
    high: float | None = None
    median_ci: tuple[float, float] | None = None


class GroupStats(BaseModel):
    key: str
    n: int
    comparable: bool
    note: str | None = None
    approved: int
    rejected: int
    approval_rate: float
    approval_ci: tuple[float, float] | None = None
    figures: dict[str, Distribution]


class StatsReport(BaseModel):
    by: Grouping
    since: datetime | None = None
    min_group: int
    drafts: int
    backfilled: int = 0
    groups: list[GroupStats]


def median_interval(values: list[float], confidence: float = CONFIDENCE
                    ) -> tuple[float, float] | None:
    """The distribution-free interval for the median: order statistics ``x(k)`` and
    ``x(n+1-k)`` with the largest ``k`` whose exact binomial coverage is at least
    ``confidence``; None when no such pair exists (n < 6 at 95%)."""
    ordered = sorted(values)
    n = len(ordered)
    best = None
    for k in range(1, n // 2 + 1):
        tail = sum(math.comb(n, i) for i in range(k)) / 2 ** n  # P(Bin(n, 1/2) <= k-1)
        if 1 - 2 * tail >= confidence:
            best = k
        else:
            break
    return None if best is None else (ordered[best - 1], ordered[n - best])


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def distribution(values: list[float], with_interval: bool) -> Distribution:
    if not values:
        return Distribution(n=0)
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Distribution(n=len(values), median=statistics.median(values), q1=q1, q3=q3,
                        low=min(values), high=max(values),
                        median_ci=median_interval(values) if with_interval else None)


def keys_of(effort: Effort, by: Grouping) -> list[str]:
    """The groups a draft belongs to (one, except by check: each check that flagged it)."""
    if by == "check":
        return sorted(effort.checks) or ["(no findings)"]
    value = {"prompt": effort.prompt_fingerprint, "model": effort.model,
             "drafter": effort.drafter, "reviewer": effort.reviewer,
             "audience": effort.audience, "variant": effort.variant}[by]
    return [value or NONE_LABEL]


def group_stats(key: str, efforts: list[Effort], min_group: int) -> GroupStats:
    n = len(efforts)
    comparable = n >= min_group
    approved = sum(e.outcome == "approved" for e in efforts)
    figures = {}
    for name, read in FIGURES.items():
        values = [v for v in map(read, efforts) if v is not None]
        figures[name] = distribution(values, comparable)
    return GroupStats(key=key, n=n, comparable=comparable, note=None if comparable else TOO_FEW,
                      approved=approved, rejected=n - approved,
                      approval_rate=approved / n if n else 0.0,
                      approval_ci=wilson_interval(approved, n) if comparable else None,
                      figures=figures)


def summarise(efforts: list[Effort], by: Grouping, min_group: int = MIN_GROUP,
              since: datetime | None = None) -> StatsReport:
    """Group ``efforts`` and describe each group; biggest groups first."""
    if by not in GROUPINGS:
        raise UsageError(f"cannot group by {by!r}; use one of {', '.join(GROUPINGS)}",
                         code=ErrorCode.UNKNOWN_CHOICE, field="by", value=by,
                         choices=list(GROUPINGS))
    groups: dict[str, list[Effort]] = {}
    for item in efforts:
        for key in keys_of(item, by):
            groups.setdefault(key, []).append(item)
    made = [group_stats(key, members, min_group) for key, members in groups.items()]
    made.sort(key=lambda g: (-g.n, g.key))
    return StatsReport(by=by, since=since, min_group=min_group, drafts=len(efforts),
                       groups=made)


def stats(store: Store, by: Grouping = "prompt", since: datetime | None = None,
          min_group: int = MIN_GROUP) -> StatsReport:
    """The report over the queue's decided drafts (after filling in any not yet computed)."""
    filled = effort_module.backfill(store)
    report = summarise(store.efforts(since), by, min_group, since)
    return report.model_copy(update={"backfilled": len(filled)})
